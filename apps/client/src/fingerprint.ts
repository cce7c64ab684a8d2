import { createHash } from 'node:crypto';

/** What the client reports about the device (the `device` object of a submission). */
export interface DeviceInfo {
  readonly machineName: string;
  readonly fqdn: string;
  /** Upper-case, colon-separated: `02:FC:00:00:00:01`. */
  readonly macAddress: string;
  readonly nicId: string;
  readonly processorId: string;
  readonly osVersion: string;
  readonly osType: OsType;
}

export type OsType = '64-bit' | '32-bit';

/** Hex digits of the fingerprint: MAC address (12) + processor id (16) + NIC id (32), as the original client. */
export const FINGERPRINT_LENGTH = 60;

const MAC = /^[0-9A-F]{2}([:-]?)[0-9A-F]{2}(?:\1[0-9A-F]{2}){4}$/i;

/** Normalises a MAC address (`aa-bb-cc-dd-ee-ff`, `aabb.ccdd.eeff`, ...) to `AA:BB:CC:DD:EE:FF`; undefined if it is none. */
export function normalizeMac(value: string): string | undefined {
  const trimmed = value.trim();
  const compact = /^[0-9A-F]{4}\.[0-9A-F]{4}\.[0-9A-F]{4}$/i.test(trimmed) ? trimmed.replace(/\./g, '') : trimmed;
  if (!MAC.test(compact)) {
    return undefined;
  }
  const hex = compact.replace(/[:-]/g, '').toUpperCase();
  return (hex.match(/../g) ?? []).join(':');
}

const sha256Hex = (text: string, digits: number): string =>
  createHash('sha256').update(text, 'utf8').digest('hex').toUpperCase().slice(0, digits);

/**
 * The workstation's common name in the original client's form (docs/design.md): MAC address (12
 * hex digits), processor id (16: Windows' ProcessorId, CPUID leaf 1 EDX then EAX) and NIC id (32:
 * the adapter's GUID), concatenated in upper-case hex, so that people and other systems can read
 * the parts, e.g. `40B0343FA07D` `BFEBFBFF000906E9` `9D09A4C85CB1415B9897660CBA152853`. A shorter
 * processor id (an ARM MIDR) is zero-padded on the left. A part that is not hex (a Linux or macOS
 * interface name: they have no GUID; a CPU model name) is replaced by as many digits of its
 * SHA-256, so the length is always 60 and the same device always gets the same name.
 */
export function deviceFingerprint(device: Pick<DeviceInfo, 'macAddress' | 'processorId' | 'nicId'>): string {
  const mac = (normalizeMac(device.macAddress) ?? '00:00:00:00:00:00').replace(/:/g, '');
  const processor = device.processorId.trim().toUpperCase();
  const cpu = /^[0-9A-F]{1,16}$/.test(processor) ? processor.padStart(16, '0') : sha256Hex(processor, 16);
  const nicId = device.nicId.trim().toUpperCase();
  const guid = nicId.replace(/^\{(.*)\}$/, '$1').replace(/-/g, '');
  const nic = /^[0-9A-F]{32}$/.test(guid) ? guid : sha256Hex(nicId, 32);
  return `${mac}${cpu}${nic}`;
}

const ARCH_64 = new Set(['x64', 'arm64', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64', 'mips64el']);

/** 64- or 32-bit from node's `os.arch()`. */
export const osTypeFor = (arch: string): OsType => (ARCH_64.has(arch) ? '64-bit' : '32-bit');

/** Reads `--os-type` input: 64, 32, 64-bit, x64, ... */
export function parseOsType(value: string): OsType | undefined {
  const normalized = value.trim().toLowerCase();
  if (['64', '64-bit', '64bit', 'x64', 'amd64', 'arm64'].includes(normalized)) {
    return '64-bit';
  }
  if (['32', '32-bit', '32bit', 'x86', 'i386', 'i686'].includes(normalized)) {
    return '32-bit';
  }
  return undefined;
}

const hex8 = (value: number): string => (value >>> 0).toString(16).toUpperCase().padStart(8, '0');

// CPUID leaf 1 EDX, bit by bit, as Linux names the features in /proc/cpuinfo (bits 10 and 20 are reserved).
const EDX_FLAGS = (
  'fpu vme de pse tsc msr pae mce cx8 apic - sep mtrr pge mca cmov ' +
  'pat pse36 pn clflush - dts acpi mmx fxsr sse sse2 ss ht tm ia64 pbe'
).split(' ');

/** The EDX half of Windows' ProcessorId, rebuilt from the feature flags Linux lists. */
function edxFromFlags(flags: string): number {
  const present = new Set(flags.split(/\s+/));
  return EDX_FLAGS.reduce((edx, flag, bit) => (flag !== '-' && present.has(flag) ? edx + 2 ** bit : edx), 0);
}

function cpuinfoField(text: string, name: string): string | undefined {
  const match = new RegExp(`^${name}\\s*:\\s*(.+)$`, 'mi').exec(text);
  return match?.[1]?.trim();
}

/**
 * A processor id from Linux's /proc/cpuinfo. x86 has no serial number: this rebuilds what Windows
 * reports as ProcessorId, CPUID leaf 1 EDX (from the feature flags) then EAX (the signature, from
 * family, model and stepping). ARM boards with a serial use it; other ARM chips give their MIDR. Microcode and
 * frequency are left out on purpose: they change with updates and load.
 */
export function processorIdFromCpuinfo(text: string): string | undefined {
  const serial = cpuinfoField(text, 'Serial');
  if (serial && /^[0-9a-f]+$/i.test(serial) && !/^0+$/.test(serial)) {
    return serial.toUpperCase();
  }
  const family = Number(cpuinfoField(text, 'cpu family'));
  const model = Number(cpuinfoField(text, 'model'));
  const stepping = Number(cpuinfoField(text, 'stepping'));
  if ([family, model, stepping].every((n) => Number.isInteger(n) && n >= 0)) {
    const baseFamily = Math.min(family, 15);
    const extendedFamily = family >= 15 ? family - 15 : 0;
    const extendedModel = family === 6 || family >= 15 ? model >> 4 : 0;
    const eax =
      (stepping & 0xf) | ((model & 0xf) << 4) | (baseFamily << 8) | (extendedModel << 16) | (extendedFamily << 20);
    return hex8(edxFromFlags(cpuinfoField(text, 'flags') ?? '')) + hex8(eax);
  }
  const implementer = Number(cpuinfoField(text, 'CPU implementer'));
  const part = Number(cpuinfoField(text, 'CPU part'));
  if (Number.isInteger(implementer) && Number.isInteger(part)) {
    const variant = Number(cpuinfoField(text, 'CPU variant') ?? 0) || 0;
    const revision = Number(cpuinfoField(text, 'CPU revision') ?? 0) || 0;
    return hex8(
      implementer * 2 ** 24 + ((variant & 0xf) << 20) + (0xf << 16) + ((part & 0xfff) << 4) + (revision & 0xf),
    );
  }
  return undefined;
}

/**
 * The requester name the API records, `DOMAIN\user` style: the Windows logon domain when there is
 * one, else the short host name (the machine is the "domain" of a local account).
 */
export function defaultRequester(input: {
  platform: string;
  hostname: string;
  username: string;
  userDomain?: string | undefined;
}): string {
  const domain =
    input.platform === 'win32' && input.userDomain
      ? input.userDomain
      : (input.hostname.split('.')[0] ?? input.hostname);
  return `${domain || 'localhost'}\\${input.username}`;
}
