import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Env } from './paths';

interface ClipboardTool {
  readonly command: string;
  readonly args: readonly string[];
}

/** Finds an executable on PATH (with PATHEXT on Windows). */
export function findOnPath(name: string, env: Env, platform: NodeJS.Platform): string | undefined {
  const extensions = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const folder of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    for (const extension of extensions) {
      const candidate = join(folder, name + extension);
      if (folder !== '' && existsSync(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** The clipboard tool of this desktop, if there is one: a server has none, and that is fine. */
export function clipboardTool(env: Env, platform: NodeJS.Platform): ClipboardTool | undefined {
  const candidates: ClipboardTool[] =
    platform === 'darwin'
      ? [{ command: 'pbcopy', args: [] }]
      : platform === 'win32'
        ? [{ command: 'clip', args: [] }]
        : [
            ...(env.WAYLAND_DISPLAY ? [{ command: 'wl-copy', args: [] }] : []),
            ...(env.DISPLAY
              ? [
                  { command: 'xclip', args: ['-selection', 'clipboard'] },
                  { command: 'xsel', args: ['--clipboard', '--input'] },
                ]
              : []),
          ];
  for (const candidate of candidates) {
    const path = findOnPath(candidate.command, env, platform);
    if (path) {
      return { command: path, args: candidate.args };
    }
  }
  return undefined;
}

/**
 * Copies text to the clipboard, best effort: it resolves with the tool's name on success and
 * undefined otherwise, never rejects, and gives up after two seconds (xclip keeps serving the
 * selection in the background, so its exit is not awaited beyond that).
 */
export function copyToClipboard(text: string, env: Env, platform: NodeJS.Platform): Promise<string | undefined> {
  const tool = clipboardTool(env, platform);
  if (!tool) {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: string | undefined): void => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(result);
      }
    };
    const child = spawn(tool.command, [...tool.args], {
      stdio: ['pipe', 'ignore', 'ignore'],
      windowsHide: true,
      env: { ...env },
    });
    const timer = setTimeout(() => {
      child.unref();
      finish(tool.command);
    }, 2000);
    child.on('error', () => {
      finish(undefined);
    });
    child.on('close', (code) => {
      finish(code === 0 ? tool.command : undefined);
    });
    child.stdin.on('error', () => {
      finish(undefined);
    });
    child.stdin.end(text);
  });
}
