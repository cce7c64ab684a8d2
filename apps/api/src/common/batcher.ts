/**
 * Coalesces lookups: while one query is in flight, the keys that arrive wait and go together in
 * the next one. Nothing is cached: every answer comes from a query that started after its caller
 * asked, so it is as fresh as a query of its own, with one database round trip for many callers.
 */
export class Batcher<K, V> {
  private waiting: { keys: readonly K[]; resolve: (values: Map<K, V>) => void; reject: (error: unknown) => void }[] =
    [];
  private running = false;

  constructor(private readonly fetch: (keys: readonly K[]) => Promise<Map<K, V>>) {}

  load(keys: readonly K[]): Promise<Map<K, V>> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ keys, resolve, reject });
      if (!this.running) {
        void this.flush();
      }
    });
  }

  private async flush(): Promise<void> {
    this.running = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      try {
        const values = await this.fetch([...new Set(batch.flatMap((b) => b.keys))]);
        batch.forEach((b) => b.resolve(values));
      } catch (error) {
        batch.forEach((b) => b.reject(error));
      }
    }
    this.running = false;
  }
}
