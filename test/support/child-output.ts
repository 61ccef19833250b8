// What a child process prints, kept as it arrives, with a wait for a pattern: tests wait on what a plugin says
// (its port, "serving the engine at ...") instead of sleeping.

/** Everything a stream of a child process printed so far, and a wait for what it will print. */
export class ChildOutput {
  private text = "";
  private readonly waiting = new Set<() => void>();

  constructor(stream: NodeJS.ReadableStream) {
    stream.on("data", (chunk: Buffer) => {
      this.text += chunk.toString();
      for (const check of this.waiting) check();
    });
  }

  /** Resolves with the match once the output matches `pattern` (at once if it already does). */
  until(pattern: RegExp): Promise<RegExpMatchArray> {
    return new Promise((resolve) => {
      const check = () => {
        const match = pattern.exec(this.text);
        if (!match) return;
        this.waiting.delete(check);
        resolve(match);
      };
      this.waiting.add(check);
      check();
    });
  }

  toString(): string {
    return this.text;
  }
}
