/**
 * Finds where a JSON document is broken, as a line and column, with a message that says what was
 * expected. `JSON.parse` reports positions inconsistently across Node.js versions (and not at all
 * for some errors), so the location comes from this small scanner instead.
 */

/** A JSON syntax error located in the source text (1-based line and column). */
export interface JsonSyntaxProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

class ScanError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

function describeCharacter(char: string | undefined): string {
  return char === undefined ? 'end of file' : `"${char}"`;
}

/** Recursive-descent scanner that validates JSON syntax without building values. */
class Scanner {
  private offset = 0;

  constructor(private readonly text: string) {}

  scanDocument(): void {
    this.skipWhitespace();
    if (this.offset >= this.text.length) this.fail('the document is empty; expected a JSON object');
    this.scanValue();
    this.skipWhitespace();
    if (this.offset < this.text.length) {
      this.fail(`unexpected ${describeCharacter(this.peek())} after the end of the JSON document`);
    }
  }

  private peek(): string | undefined {
    return this.text[this.offset];
  }

  private fail(message: string, offset = this.offset): never {
    throw new ScanError(offset, message);
  }

  private skipWhitespace(): void {
    for (;;) {
      const char = this.peek();
      if (char !== undefined && WHITESPACE.has(char)) {
        this.offset++;
      } else if (char === '/' && (this.text[this.offset + 1] === '/' || this.text[this.offset + 1] === '*')) {
        this.fail('comments are not allowed in JSON');
      } else {
        return;
      }
    }
  }

  private scanValue(): void {
    this.skipWhitespace();
    const char = this.peek();
    switch (char) {
      case '{':
        return this.scanObject();
      case '[':
        return this.scanArray();
      case '"':
        return this.scanString();
      case 't':
        return this.scanLiteral('true');
      case 'f':
        return this.scanLiteral('false');
      case 'n':
        return this.scanLiteral('null');
      case "'":
        return this.fail('strings must use double quotes');
      default:
        if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.scanNumber();
        if (this.wordAt() !== undefined) return this.failOnWord();
        return this.fail(`unexpected ${describeCharacter(char)}; expected a value`);
    }
  }

  private scanObject(): void {
    this.offset++;
    this.skipWhitespace();
    if (this.peek() === '}') {
      this.offset++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      const char = this.peek();
      if (char !== '"') {
        this.fail(
          char === '}'
            ? 'trailing comma before "}"; JSON does not allow a comma after the last property'
            : `unexpected ${this.wordAt() ?? describeCharacter(char)}; expected a property name in double quotes`,
        );
      }
      this.scanString();
      this.skipWhitespace();
      if (this.peek() !== ':')
        this.fail(`unexpected ${describeCharacter(this.peek())}; expected ":" after the property name`);
      this.offset++;
      this.scanValue();
      this.skipWhitespace();
      const next = this.peek();
      this.offset++;
      if (next === '}') return;
      if (next !== ',')
        this.fail(
          `unexpected ${describeCharacter(next)}; expected "," or "}" after a property value`,
          this.offset - 1,
        );
    }
  }

  private scanArray(): void {
    this.offset++;
    this.skipWhitespace();
    if (this.peek() === ']') {
      this.offset++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.peek() === ']')
        this.fail('trailing comma before "]"; JSON does not allow a comma after the last element');
      this.scanValue();
      this.skipWhitespace();
      const next = this.peek();
      this.offset++;
      if (next === ']') return;
      if (next !== ',')
        this.fail(
          `unexpected ${describeCharacter(next)}; expected "," or "]" after an array element`,
          this.offset - 1,
        );
    }
  }

  private scanString(): void {
    const start = this.offset;
    this.offset++;
    for (;;) {
      const char = this.peek();
      if (char === undefined) this.fail('unterminated string', start);
      if (char === '"') {
        this.offset++;
        return;
      }
      if (char < ' ')
        this.fail('control character (such as a line break) inside a string; escape it, e.g. "\\n"');
      if (char === '\\') {
        const escape = this.text[this.offset + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.offset + 2, this.offset + 6))) {
            this.fail('invalid unicode escape; expected \\u followed by 4 hex digits');
          }
          this.offset += 6;
          continue;
        }
        if (escape === undefined || !ESCAPES.has(escape))
          this.fail(`invalid escape "\\${escape ?? ''}" in string`);
        this.offset += 2;
        continue;
      }
      this.offset++;
    }
  }

  private scanNumber(): void {
    NUMBER.lastIndex = this.offset;
    const match = NUMBER.exec(this.text);
    if (!match || match[0] === '-') this.fail('invalid number');
    this.offset += match[0].length;
  }

  private scanLiteral(word: string): void {
    if (this.text.startsWith(word, this.offset) && this.wordAt() === word) {
      this.offset += word.length;
      return;
    }
    this.failOnWord();
  }

  /** The bare word (letters, digits, `_`, `$`) starting at the current offset, if any. */
  private wordAt(): string | undefined {
    return /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.offset, this.offset + 100))?.[0];
  }

  private failOnWord(): never {
    return this.fail(
      `unexpected "${this.wordAt() ?? this.peek() ?? ''}"; expected a value (strings need double quotes)`,
    );
  }
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}

/** Locates the first syntax error of a JSON document, or returns `undefined` if it is valid JSON. */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  try {
    new Scanner(text).scanDocument();
    return undefined;
  } catch (error) {
    if (!(error instanceof ScanError)) throw error;
    return { ...lineAndColumn(text, error.offset), message: error.message };
  }
}
