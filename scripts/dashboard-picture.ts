/**
 * `npm run dashboard-picture`: draws the layout of the dashboard the MonitoringStack synthesizes for the sample
 * config (personalize.config.json) — each widget's box at its place on the grid, its title and what it
 * shows — into docs/dashboard.svg, the picture the README shows.
 *
 *   npm run dashboard-picture            # writes docs/dashboard.svg
 *   npm run dashboard-picture -- --check # fails when docs/dashboard.svg differs from a fresh drawing
 *
 * test/scripts/dashboard-picture.test.ts draws it again from a fresh synthesis and compares, so the committed
 * picture cannot drift from the code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { loadConfig } from '../core/config';
import { buildApp } from '../lib/app';
import { projectApp } from '../local/harness/cdk-app';
import { dashboardBodyOf, type Template } from './dashboard-picture/body';
import { renderDashboardSvg } from './dashboard-picture/svg';

const ROOT = path.join(__dirname, '..');

/** Where the picture is committed. */
export const DASHBOARD_PICTURE = path.join(ROOT, 'docs', 'dashboard.svg');

/** The picture of the sample config's dashboard, from a fresh synthesis (no bundling, a fixed account and region). */
export function sampleDashboardSvg(): string {
  const configPath = path.join(ROOT, 'personalize.config.json');
  const config = loadConfig(configPath);
  const app = projectApp();
  const { monitoring } = buildApp(app, config, {
    env: { account: '111122223333', region: 'eu-west-1' },
    configDir: ROOT,
  });
  const template = app.synth().getStackArtifact(Stack.of(monitoring).artifactId).template as Template;
  return renderDashboardSvg(
    dashboardBodyOf(template),
    `CloudWatch dashboard "${config.projectName}" (MonitoringStack, sample config)`,
  );
}

function main(): void {
  const svg = sampleDashboardSvg();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(DASHBOARD_PICTURE, 'utf8');
    if (committed !== svg) {
      console.error(
        `${path.relative(ROOT, DASHBOARD_PICTURE)} is out of date: run npm run dashboard-picture`,
      );
      process.exit(1);
    }
    console.log(`${path.relative(ROOT, DASHBOARD_PICTURE)} is up to date`);
    return;
  }
  writeFileSync(DASHBOARD_PICTURE, svg);
  console.log(`wrote ${path.relative(ROOT, DASHBOARD_PICTURE)}`);
}

if (require.main === module) main();
