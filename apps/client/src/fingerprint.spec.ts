import type { NetworkInterfaceInfo } from 'node:os';
import { PROFILES } from '@enroll/pki';
import { collectDeviceInfo, pickInterface, type SystemFacts } from './device-info';
import {
  defaultRequester,
  deviceFingerprint,
  normalizeMac,
  osTypeFor,
  parseOsType,
  processorIdFromCpuinfo,
} from './fingerprint';

const device = { macAddress: '02:FC:00:00:00:01', processorId: '00B00F21', nicId: 'eth0' };

describe('deviceFingerprint', () => {
  it("is the original client's form: MAC, processor id and NIC GUID concatenated in upper-case hex", () => {
    expect(
      deviceFingerprint({
        macAddress: '40:b0:34:3f:a0:7d',
        processorId: 'BFEBFBFF000906E9',
        nicId: '{9D09A4C8-5CB1-415B-9897-660CBA152853}',
      }),
    ).toBe('40B0343FA07D' + 'BFEBFBFF000906E9' + '9D09A4C85CB1415B9897660CBA152853');
  });

  it('is 60 hex digits that the workstation profile accepts, whatever the parts look like', () => {
    const fingerprint = deviceFingerprint(device);
    expect(fingerprint).toMatch(/^[0-9A-F]{60}$/);
    // MAC as it is, a short processor id padded, an interface name (no GUID on Linux) hashed.
    expect(fingerprint.slice(0, 28)).toBe('02FC00000001' + '0000000000B00F21');
    expect(() => PROFILES.workstation.checkCommonName(fingerprint)).not.toThrow();
    expect(deviceFingerprint({ macAddress: 'none', processorId: 'Apple M2', nicId: 'en0' })).toMatch(
      /^0{12}[0-9A-F]{48}$/,
    );
  });

  it('is stable for the same inputs, whatever the MAC address notation or letter case', () => {
    const first = deviceFingerprint(device);
    expect(deviceFingerprint({ ...device })).toBe(first);
    expect(deviceFingerprint({ macAddress: '02-fc-00-00-00-01', processorId: '00b00f21', nicId: 'ETH0' })).toBe(first);
  });

  it('differs when any one of MAC address, processor id or NIC id differs', () => {
    const base = deviceFingerprint(device);
    const variants = [
      deviceFingerprint({ ...device, macAddress: '02:FC:00:00:00:02' }),
      deviceFingerprint({ ...device, processorId: '00B00F22' }),
      deviceFingerprint({ ...device, nicId: 'eth1' }),
    ];
    expect(new Set([base, ...variants]).size).toBe(4);
  });

  it('does not confuse the boundaries between the inputs', () => {
    expect(deviceFingerprint({ ...device, processorId: 'AB', nicId: 'C' })).not.toBe(
      deviceFingerprint({ ...device, processorId: 'A', nicId: 'BC' }),
    );
  });

  it('is the same on two real detections of this machine', async () => {
    const [a, b] = await Promise.all([collectDeviceInfo(process.env), collectDeviceInfo(process.env)]);
    expect(a).toEqual(b);
    expect(deviceFingerprint(a)).toBe(deviceFingerprint(b));
  });
});

describe('device details', () => {
  it('normalises MAC addresses and refuses what is not one', () => {
    expect(normalizeMac('aa-bb-cc-dd-ee-0f')).toBe('AA:BB:CC:DD:EE:0F');
    expect(normalizeMac('aabb.ccdd.ee0f')).toBe('AA:BB:CC:DD:EE:0F');
    expect(normalizeMac('AABBCCDDEE0F')).toBe('AA:BB:CC:DD:EE:0F');
    expect(normalizeMac('AA:BB-CC:DD:EE:0F')).toBeUndefined();
    expect(normalizeMac('not a mac')).toBeUndefined();
  });

  it('rebuilds the x86 CPUID signature from /proc/cpuinfo, and prefers a board serial', () => {
    const amd =
      'vendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\nmodel name\t: AMD EPYC\nstepping\t: 1\nmicrocode\t: 0x1\n';
    expect(processorIdFromCpuinfo(amd)).toBe('0000000000B00F21');
    const intel = 'cpu family\t: 6\nmodel\t\t: 158\nstepping\t: 10\n';
    expect(processorIdFromCpuinfo(intel)).toBe('00000000000906EA');
    // The EDX half from the feature flags: the guide's BFEBFBFF000906E9.
    const flags =
      'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx';
    expect(processorIdFromCpuinfo(`cpu family\t: 6\nmodel\t\t: 158\nstepping\t: 9\nflags\t\t: ${flags}\n`)).toBe(
      'BFEBFBFF000906E9',
    );
    expect(processorIdFromCpuinfo('processor : 0\nSerial\t\t: 10000000abcdef12\n')).toBe('10000000ABCDEF12');
    expect(
      processorIdFromCpuinfo('CPU implementer\t: 0x41\nCPU variant\t: 0x0\nCPU part\t: 0xd0c\nCPU revision\t: 1\n'),
    ).toBe('410FD0C1');
    expect(processorIdFromCpuinfo('nothing useful')).toBeUndefined();
  });

  it('picks a physical interface first, then by name, and never loopback or a zero MAC', () => {
    const nic = (mac: string, internal = false): NetworkInterfaceInfo[] => [
      { address: '10.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac, internal, cidr: null },
    ];
    const interfaces = {
      lo: nic('00:00:00:00:00:00', true),
      docker0: nic('02:42:ac:11:00:01'),
      eth1: nic('52:54:00:00:00:02'),
      eth0: nic('52:54:00:00:00:01'),
      tun0: nic('00:00:00:00:00:00'),
    };
    expect(pickInterface(interfaces, (name) => name.startsWith('eth'))).toEqual({
      name: 'eth0',
      mac: '52:54:00:00:00:01',
    });
    expect(pickInterface(interfaces, () => false)).toEqual({ name: 'docker0', mac: '02:42:AC:11:00:01' });
    expect(pickInterface({ lo: nic('00:00:00:00:00:00', true) }, () => true)).toBeUndefined();
  });

  it('collects every field from the system facts', async () => {
    const facts: SystemFacts = {
      platform: 'linux',
      arch: 'x64',
      hostname: () => 'ws-0042',
      release: () => '6.1.0',
      version: () => '#1 SMP',
      cpuModel: () => 'AMD EPYC',
      networkInterfaces: () => ({
        eth0: [
          {
            address: '10.0.0.1',
            netmask: '255.0.0.0',
            family: 'IPv4',
            mac: '52:54:00:00:00:01',
            internal: false,
            cidr: null,
          },
        ],
      }),
      readFile: (path) =>
        path === '/proc/cpuinfo'
          ? 'cpu family : 6\nmodel : 158\nstepping : 10\n'
          : 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
      fileExists: () => true,
      run: (command) => Promise.resolve(command === 'hostname' ? 'ws-0042.corp.example.org' : undefined),
    };
    expect(await collectDeviceInfo({}, facts)).toEqual({
      machineName: 'ws-0042',
      fqdn: 'ws-0042.corp.example.org',
      macAddress: '52:54:00:00:00:01',
      nicId: 'eth0',
      processorId: '00000000000906EA',
      osVersion: 'Debian GNU/Linux 12 (bookworm) (kernel 6.1.0)',
      osType: '64-bit',
    });
  });

  it('names the OS type and the requester', () => {
    expect(osTypeFor('x64')).toBe('64-bit');
    expect(osTypeFor('ia32')).toBe('32-bit');
    expect(parseOsType('64')).toBe('64-bit');
    expect(parseOsType('32-bit')).toBe('32-bit');
    expect(parseOsType('128')).toBeUndefined();
    expect(defaultRequester({ platform: 'linux', hostname: 'ws-0042.corp.example.org', username: 'alice' })).toBe(
      'ws-0042\\alice',
    );
    expect(defaultRequester({ platform: 'win32', hostname: 'WS-0042', username: 'alice', userDomain: 'CORP' })).toBe(
      'CORP\\alice',
    );
  });
});
