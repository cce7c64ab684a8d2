import { randomUUID } from 'node:crypto';

/** What an Apple configuration profile needs to enroll a device by SCEP. */
export interface MobileconfigInput {
  /** The SCEP URL (`…/scep/mobile`). */
  readonly url: string;
  readonly challenge: string;
  readonly organizationCode: string;
  readonly country: string;
  /** The certificate's common name: the mobile profile wants 4 to 64 of [A-Za-z0-9._:-]. */
  readonly commonName: string;
  readonly keySize: number;
  readonly packageId: string;
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const string = (text: string): string => `<string>${escape(text)}</string>`;
const rdn = (type: string, value: string): string => `<array><array>${string(type)}${string(value)}</array></array>`;

/**
 * An Apple configuration profile (`.mobileconfig`, an XML property list) with one
 * com.apple.security.scep payload: opening it on an iPhone or iPad makes the key on the device
 * and sends a PKCSReq with the package's challenge; the request then waits in the manager's
 * queue like any other, and the device polls until it is approved. Unsigned: the centre may sign
 * it (`openssl smime -sign -outform der -nodetach`) before handing it out.
 */
export function mobileconfig(input: MobileconfigInput): string {
  const scepUuid = randomUUID().toUpperCase();
  const profileUuid = randomUUID().toUpperCase();
  const identifier = `org.enroll.package.${input.packageId}`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>PayloadContent</key>
  <array>
    <dict>
      <key>PayloadContent</key>
      <dict>
        <key>URL</key>${string(input.url)}
        <key>Name</key>${string('Enroll')}
        <key>Subject</key>
        <array>${rdn('C', input.country)}${rdn('O', input.organizationCode)}${rdn('CN', input.commonName)}</array>
        <key>Challenge</key>${string(input.challenge)}
        <key>Keysize</key><integer>${input.keySize}</integer>
        <key>Key Type</key>${string('RSA')}
        <key>Key Usage</key><integer>5</integer>
        <key>Retries</key><integer>10</integer>
        <key>RetryDelay</key><integer>30</integer>
      </dict>
      <key>PayloadDescription</key>${string('Requests a device certificate from the Enroll CA (approved by your enrollment manager).')}
      <key>PayloadDisplayName</key>${string('Enroll device certificate')}
      <key>PayloadIdentifier</key>${string(`${identifier}.scep`)}
      <key>PayloadType</key>${string('com.apple.security.scep')}
      <key>PayloadUUID</key>${string(scepUuid)}
      <key>PayloadVersion</key><integer>1</integer>
    </dict>
  </array>
  <key>PayloadDisplayName</key>${string(`Enroll ${input.organizationCode}`)}
  <key>PayloadIdentifier</key>${string(identifier)}
  <key>PayloadType</key>${string('Configuration')}
  <key>PayloadUUID</key>${string(profileUuid)}
  <key>PayloadVersion</key><integer>1</integer>
</dict>
</plist>
`;
}
