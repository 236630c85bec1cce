import { resetMoto } from '../local/harness/moto';

describe('the test harness', () => {
  test('points this worker at a running moto server', async () => {
    const endpoint = process.env.MOTO_ENDPOINT;
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${endpoint}/moto-api/`);
    expect(response.status).toBe(200);
  });

  test('can reset moto state', async () => {
    await expect(resetMoto(process.env.MOTO_ENDPOINT ?? '')).resolves.toBeUndefined();
  });
});
