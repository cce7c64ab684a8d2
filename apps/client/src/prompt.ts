import { createInterface } from 'node:readline';
import type { Writer } from './context';
import { UsageError } from './errors';

/** What main.ts passes as the client's input: process.stdin. */
export interface Reader extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
}

/** Asks a person at a terminal for what the command line did not say. */
export interface Prompter {
  /** Asks until the answer is acceptable to `check` (which returns a complaint, or undefined); Enter takes the default. */
  ask(label: string, options?: { default?: string; check?: (answer: string) => string | undefined }): Promise<string>;
  /** Yes or no; Enter takes the default. */
  confirm(question: string, defaultYes: boolean): Promise<boolean>;
  close(): void;
}

/**
 * Questions on stderr (stdout keeps the command's output), answers from `input` line by line.
 * Lines that arrive before a question is asked (typed ahead, or piped into a pseudo-terminal)
 * are kept for the next question, never lost.
 */
export function terminalPrompter(input: Reader, output: Writer): Prompter {
  const lines = createInterface({ input, terminal: false, crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();
  const next = async (question: string): Promise<string> => {
    output.write(question);
    const line = await iterator.next();
    if (line.done === true) {
      throw new UsageError('INPUT_ENDED', 'The input ended before every question was answered: nothing was submitted.');
    }
    return line.value.trim();
  };
  return {
    async ask(label, options = {}) {
      for (;;) {
        const answer =
          (await next(`${label}${options.default ? ` [${options.default}]` : ''}: `)) || options.default || '';
        const complaint = answer === '' ? 'an answer is required' : options.check?.(answer);
        if (complaint === undefined) {
          return answer;
        }
        output.write(`  ${complaint}\n`);
      }
    },
    async confirm(question, defaultYes) {
      for (;;) {
        const answer = (await next(`${question} ${defaultYes ? '[Y/n]' : '[y/N]'} `)).toLowerCase();
        if (answer === '') {
          return defaultYes;
        }
        if (['y', 'yes', 'o', 'oui'].includes(answer)) {
          return true;
        }
        if (['n', 'no', 'non'].includes(answer)) {
          return false;
        }
      }
    },
    close() {
      lines.close();
    },
  };
}
