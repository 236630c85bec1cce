/**
 * docs/dashboard.svg, the dashboard picture the README shows, is what `npm run dashboard-picture` draws from
 * the dashboard the MonitoringStack synthesizes now: when the dashboard changes, this fails until the picture
 * is drawn again.
 */
import { readFileSync } from 'node:fs';
import { DASHBOARD_PICTURE, sampleDashboardSvg } from '../../scripts/dashboard-picture';
import { metricLabels } from '../../scripts/dashboard-picture/svg';

describe('the dashboard picture', () => {
  test('docs/dashboard.svg is a fresh drawing of the synthesized dashboard (npm run dashboard-picture)', () => {
    // Act
    const fresh = sampleDashboardSvg();

    // Assess
    expect(readFileSync(DASHBOARD_PICTURE, 'utf8')).toBe(fresh);
  });

  test('shows the widgets the operations docs name', () => {
    const svg = readFileSync(DASHBOARD_PICTURE, 'utf8');

    for (const title of [
      'Alarms',
      'Executions',
      'NDCG@10 of trained versions',
      'Pipeline functions: errors',
      'Latency',
      'Requests per client',
      'Campaign errors (4xx + 5xx)',
      'Event tracker: PutEvents calls',
      'DLQ: Message Count',
    ]) {
      expect(svg).toContain(`>${title}</text>`);
    }
  });

  test("labels a graph's visible metrics and expressions, not the metrics an expression hides", () => {
    const labels = metricLabels([
      ['AWS/States', 'ExecutionsStarted', 'StateMachineArn', 'arn', { label: 'Started' }],
      ['AWS/Lambda', 'Errors', 'FunctionName', 'f'],
      [{ expression: 'a + b', label: 'errors' }],
      ['AWS/Personalize', 'GetRecommendations4xxErrors', 'CampaignArn', 'c', { id: 'a', visible: false }],
      ['AWS/ApiGateway', 'Latency', { label: 'P99 (avg: ${AVG})' }],
    ]);

    expect(labels).toEqual(['Started', 'Errors', 'errors', 'P99']);
  });
});
