import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { normalizeMac, osTypeFor, processorIdFromCpuinfo, type DeviceInfo } from './fingerprint';
import type { Env } from './paths';

/** The operating system facts device detection reads; replaced in tests. */
export interface SystemFacts {
  readonly platform: NodeJS.Platform;
  readonly arch: string;
  hostname(): string;
  release(): string;
  version(): string;
  cpuModel(): string;
  networkInterfaces(): NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  /** A file's text, or undefined. */
  readFile(path: string): string | undefined;
  fileExists(path: string): boolean;
  /** A command's trimmed standard output, or undefined when it fails or takes over `timeoutMs`. */
  run(command: string, args: readonly string[], timeoutMs: number): Promise<string | undefined>;
}

export const nodeSystemFacts: SystemFacts = {
  platform: process.platform,
  arch: os.arch(),
  hostname: () => os.hostname(),
  release: () => os.release(),
  version: () => os.version(),
  cpuModel: () => os.cpus()[0]?.model ?? 'unknown',
  networkInterfaces: () => os.networkInterfaces(),
  readFile: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  fileExists: (path) => existsSync(path),
  run: (command, args, timeoutMs) =>
    new Promise((resolve) => {
      execFile(command, [...args], { timeout: timeoutMs, windowsHide: true }, (error, stdout) => {
        const text = stdout.trim();
        resolve(error || text === '' ? undefined : text);
      });
    }),
};

const COMMAND_TIMEOUT_MS = 5000;

/** The interface whose MAC address identifies the device. */
export interface ChosenInterface {
  readonly name: string;
  readonly mac: string;
}

/**
 * Picks the identifying network interface: physical before virtual (docker bridges and VPN
 * tunnels come and go), then by name, so that the choice is the same on every run. Loopback and
 * all-zero MAC addresses never count.
 */
export function pickInterface(
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>,
  isPhysical: (name: string) => boolean,
): ChosenInterface | undefined {
  const candidates: (ChosenInterface & { physical: boolean })[] = [];
  for (const [name, addresses] of Object.entries(interfaces)) {
    const address = (addresses ?? []).find(
      (a) => !a.internal && normalizeMac(a.mac) !== undefined && !/^[0:]+$/.test(a.mac),
    );
    const mac = address ? normalizeMac(address.mac) : undefined;
    if (mac) {
      candidates.push({ name, mac, physical: isPhysical(name) });
    }
  }
  candidates.sort(
    (a, b) => Number(b.physical) - Number(a.physical) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const [first] = candidates;
  return first ? { name: first.name, mac: first.mac } : undefined;
}

const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16).toUpperCase();

const powershell = (facts: SystemFacts, script: string): Promise<string | undefined> =>
  facts.run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script], COMMAND_TIMEOUT_MS);

async function processorId(facts: SystemFacts): Promise<string> {
  let id: string | undefined;
  switch (facts.platform) {
    case 'linux':
      id = processorIdFromCpuinfo(facts.readFile('/proc/cpuinfo') ?? '');
      break;
    case 'win32':
      id = await powershell(facts, '(Get-CimInstance Win32_Processor | Select-Object -First 1).ProcessorId');
      break;
    case 'darwin': {
      const signature = Number(await facts.run('sysctl', ['-n', 'machdep.cpu.signature'], COMMAND_TIMEOUT_MS));
      id =
        Number.isInteger(signature) && signature > 0
          ? signature.toString(16).toUpperCase().padStart(8, '0')
          : undefined;
      break;
    }
    default:
      id = undefined;
  }
  // Apple silicon and exotic systems expose no id: the CPU model is stable and better than nothing.
  return id?.trim() ?? shortHash(facts.cpuModel());
}

async function nicId(facts: SystemFacts, chosen: ChosenInterface | undefined): Promise<string> {
  if (!chosen) {
    return 'none';
  }
  if (facts.platform === 'win32') {
    const dashed = chosen.mac.replace(/:/g, '-');
    const guid = await powershell(
      facts,
      `(Get-NetAdapter | Where-Object MacAddress -eq '${dashed}' | Select-Object -First 1).InterfaceGuid`,
    );
    if (guid) {
      return guid.replace(/[{}]/g, '').toUpperCase();
    }
  }
  return chosen.name;
}

async function fqdn(facts: SystemFacts, env: Env): Promise<string> {
  const hostname = facts.hostname();
  if (hostname.includes('.')) {
    return hostname.toLowerCase();
  }
  if (facts.platform === 'win32') {
    return env.USERDNSDOMAIN ? `${hostname}.${env.USERDNSDOMAIN}`.toLowerCase() : hostname.toLowerCase();
  }
  const full = await facts.run('hostname', ['-f'], COMMAND_TIMEOUT_MS);
  return (full && /^[A-Za-z0-9.-]+$/.test(full) ? full : hostname).toLowerCase();
}

async function osVersion(facts: SystemFacts): Promise<string> {
  switch (facts.platform) {
    case 'linux': {
      const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(facts.readFile('/etc/os-release') ?? '')?.[1];
      return `${pretty ?? 'Linux'} (kernel ${facts.release()})`;
    }
    case 'darwin': {
      const product = await facts.run('sw_vers', ['-productVersion'], COMMAND_TIMEOUT_MS);
      return `macOS ${product ?? ''} (Darwin ${facts.release()})`.replace('  ', ' ');
    }
    default:
      return `${facts.version()} (${facts.release()})`;
  }
}

/**
 * Collects the device details that go with a submission. Every source is read the same way on
 * every run, so that the fingerprint built from them stays stable. A device without any usable
 * network interface still gets an answer (MAC 00:00:00:00:00:00), with a warning from the caller.
 */
export async function collectDeviceInfo(env: Env, facts: SystemFacts = nodeSystemFacts): Promise<DeviceInfo> {
  const isPhysical = (name: string): boolean =>
    facts.platform !== 'linux' || facts.fileExists(`/sys/class/net/${name}/device`);
  const chosen = pickInterface(facts.networkInterfaces(), isPhysical);
  const [processor, nic, name, version] = await Promise.all([
    processorId(facts),
    nicId(facts, chosen),
    fqdn(facts, env),
    osVersion(facts),
  ]);
  return {
    machineName: facts.hostname().split('.')[0] ?? facts.hostname(),
    fqdn: name,
    macAddress: chosen?.mac ?? '00:00:00:00:00:00',
    nicId: nic,
    processorId: processor,
    osVersion: version,
    // A 32-bit Node.js on 64-bit Windows sees x86; WOW64 tells the truth about the system.
    osType: facts.platform === 'win32' && env.PROCESSOR_ARCHITEW6432 ? '64-bit' : osTypeFor(facts.arch),
  };
}
