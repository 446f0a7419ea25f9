/**
 * At most `size` tasks at a time; the others wait their turn in order (the hub's renders: each
 * is an internal request, and a burst of changes must not start hundreds at once).
 */
export class Slots {
  readonly #size: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#size = size;
  }

  /** Runs `task` once a slot is free, and frees it when the task settles. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running < this.#size) this.#running += 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      // The slot passes straight to the next waiter: the count stays the same.
      if (next) next();
      else this.#running -= 1;
    }
  }
}
