import { Batcher } from './batcher';

describe('Batcher', () => {
  it('sends keys that arrive during a query together in the next one, and answers every caller', async () => {
    const calls: number[][] = [];
    let release: () => void = () => undefined;
    const batcher = new Batcher<number, string>(async (keys) => {
      calls.push([...keys]);
      if (calls.length === 1) {
        await new Promise<void>((r) => (release = r));
      }
      return new Map(keys.map((k) => [k, `v${k}`]));
    });
    const first = batcher.load([1]);
    const others = [batcher.load([2, 3]), batcher.load([3, 4])];
    release();
    expect((await first).get(1)).toBe('v1');
    const [a, b] = await Promise.all(others);
    expect(a?.get(2)).toBe('v2');
    expect(b?.get(4)).toBe('v4');
    expect(calls).toEqual([[1], [2, 3, 4]]);
  });

  it('starts no query before a caller asks: nothing is served from an earlier answer', async () => {
    let version = 0;
    const batcher = new Batcher<string, number>(() => Promise.resolve(new Map([['k', ++version]])));
    expect((await batcher.load(['k'])).get('k')).toBe(1);
    expect((await batcher.load(['k'])).get('k')).toBe(2);
  });

  it('passes a failure to every caller of that batch, and keeps working', async () => {
    let fail = true;
    const batcher = new Batcher<number, number>(() =>
      fail ? Promise.reject(new Error('down')) : Promise.resolve(new Map([[1, 1]])),
    );
    await expect(batcher.load([1])).rejects.toThrow('down');
    fail = false;
    expect((await batcher.load([1])).get(1)).toBe(1);
  });
});
