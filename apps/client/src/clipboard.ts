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

/** The clipboard tool of this desktop, if there is one: a server has none. */
export function clipboardTool(env: Env, platform: NodeJS.Platform): ClipboardTool | undefined {
  for (const candidate of candidates(env, platform)) {
    const path = findOnPath(candidate.command, env, platform);
    if (path) {
      return { command: path, args: candidate.args };
    }
  }
  return undefined;
}

function candidates(env: Env, platform: NodeJS.Platform): ClipboardTool[] {
  if (platform === 'darwin') {
    return [{ command: 'pbcopy', args: [] }];
  }
  if (platform === 'win32') {
    return [{ command: 'clip', args: [] }];
  }
  return [
    ...(env.WAYLAND_DISPLAY ? [{ command: 'wl-copy', args: [] }] : []),
    ...(env.DISPLAY
      ? [
          { command: 'xclip', args: ['-selection', 'clipboard'] },
          { command: 'xsel', args: ['--clipboard', '--input'] },
        ]
      : []),
  ];
}

/** What became of a copy: the tool that took it, or why there was none. */
export type ClipboardResult =
  { readonly copied: true; readonly tool: string } | { readonly copied: false; readonly reason: string };

/** Why this system has no clipboard tool, in words the user can act on. */
function noTool(env: Env, platform: NodeJS.Platform): string {
  if (platform !== 'darwin' && platform !== 'win32' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return 'there is no desktop session here (neither DISPLAY nor WAYLAND_DISPLAY is set), as on a server';
  }
  const names = candidates(env, platform).map((c) => c.command);
  return `no clipboard tool was found on the PATH (${names.join(', ') || 'none known for this system'})`;
}

/**
 * Copies text to the clipboard, best effort: it resolves with the tool that took it, or with why
 * not (no desktop, no tool, the tool failed); it never rejects, and gives up waiting after two
 * seconds (xclip keeps serving the selection in the background, so its exit is not awaited beyond that).
 */
export function copyToClipboard(text: string, env: Env, platform: NodeJS.Platform): Promise<ClipboardResult> {
  const tool = clipboardTool(env, platform);
  if (!tool) {
    return Promise.resolve({ copied: false, reason: noTool(env, platform) });
  }
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: ClipboardResult): void => {
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
    // A tool that exits without reading (EPIPE on its input) is judged by its exit code, which
    // says more than the broken pipe, whichever of the two events comes first.
    let refused = false;
    const timer = setTimeout(() => {
      child.unref();
      finish(
        refused
          ? { copied: false, reason: `${tool.command} did not take the text` }
          : { copied: true, tool: tool.command },
      );
    }, 2000);
    child.on('error', (error) => {
      finish({ copied: false, reason: `${tool.command} could not run (${error.message})` });
    });
    child.on('close', (code) => {
      finish(
        code === 0 && refused
          ? { copied: false, reason: `${tool.command} did not take the text` }
          : code === 0
            ? { copied: true, tool: tool.command }
            : {
                copied: false,
                reason: `${tool.command} failed (exit code ${String(code)}): is the desktop session reachable?`,
              },
      );
    });
    child.stdin.on('error', () => {
      refused = true;
    });
    child.stdin.end(text);
  });
}
