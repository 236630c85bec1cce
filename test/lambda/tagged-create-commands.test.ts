/**
 * `TAGGED_CREATE_COMMANDS` (the Create calls that imply personalize:TagResource) is exactly the set of commands
 * the handlers' source constructs with `tags`: an object literal with a `tags` member or a `...tagged(...)`
 * spread, directly or through a local variable (`new XCommand(common)`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { TAGGED_CREATE_COMMANDS } from '../../core/pipeline-steps';

const LAMBDA = path.join(__dirname, '..', '..', 'lambda');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Object literals bound to a name anywhere in the file (`const common = { ... }`). */
function objectDeclarations(file: ts.SourceFile): Map<string, ts.ObjectLiteralExpression[]> {
  const found = new Map<string, ts.ObjectLiteralExpression[]>();
  const visit = (node: ts.Node): void => {
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.initializer &&
      ts.isObjectLiteralExpression(node.initializer)
    ) {
      found.set(node.name.text, [...(found.get(node.name.text) ?? []), node.initializer]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Whether an argument expression carries `tags`. */
function carriesTags(
  expression: ts.Expression | undefined,
  declarations: Map<string, ts.ObjectLiteralExpression[]>,
): boolean {
  if (expression === undefined) return false;
  if (ts.isIdentifier(expression))
    return (declarations.get(expression.text) ?? []).some((o) => carriesTags(o, declarations));
  if (!ts.isObjectLiteralExpression(expression)) return false;
  return expression.properties.some((property) => {
    if (
      (ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) &&
      ts.isIdentifier(property.name) &&
      property.name.text === 'tags'
    )
      return true;
    if (!ts.isSpreadAssignment(property)) return false;
    const spread = property.expression;
    if (ts.isCallExpression(spread) && ts.isIdentifier(spread.expression))
      return spread.expression.text === 'tagged';
    return carriesTags(spread, declarations);
  });
}

/** `CreateDataset`, ... for every `new XCommand(...)` in lambda/** whose argument carries tags. */
function commandsSentWithTags(): Set<string> {
  const commands = new Set<string>();
  for (const fileName of sourceFiles(LAMBDA)) {
    const file = ts.createSourceFile(fileName, readFileSync(fileName, 'utf8'), ts.ScriptTarget.Latest, true);
    const declarations = objectDeclarations(file);
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
        const name = node.expression.text;
        if (name.endsWith('Command') && carriesTags(node.arguments?.[0], declarations))
          commands.add(name.slice(0, -'Command'.length));
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return commands;
}

describe('the tagged Create commands', () => {
  test('are exactly the commands the handlers send with tags', () => {
    // Act
    const sent = commandsSentWithTags();
    // Assess
    expect([...TAGGED_CREATE_COMMANDS].sort()).toEqual([...sent].sort());
  });

  test('are all Create commands', () => {
    for (const command of TAGGED_CREATE_COMMANDS) expect(command).toMatch(/^Create[A-Z]/);
  });
});
