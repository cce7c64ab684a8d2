import { Inject, Injectable } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { forgeRsaKey, generatePrivateKey, keySigner, type CmsSigner, type EnvelopeRecipient } from '@enroll/pki';
import { AuthorityService, subjectKeyOf } from '../authority';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

export interface RegistrationAuthority {
  readonly certificate: Buffer;
  readonly key: KeyObject;
  readonly recipient: EnvelopeRecipient;
  readonly signer: CmsSigner;
}

/**
 * The SCEP registration authority: an RSA key held by the API and a certificate the issuing CA
 * issues for it (stored and audited like every certificate it signs). Why not the CA itself:
 * clients encrypt their request to a certificate from GetCACert, so it must hold a key that can
 * decrypt, RSA (an EC issuing CA cannot), in software (the CA key may be in an HSM behind a
 * Signer that only signs), and not the CA key itself (decrypting with the key that signs
 * certificates would make it an oracle). CertReps are signed by this RA key too.
 * Issued on first use, so that an API nobody enrolls through by SCEP makes no key; a restart makes
 * a new one (a client that fetched GetCACert before it fetches it again on failure).
 */
@Injectable()
export class ScepRa {
  private current?: Promise<RegistrationAuthority>;

  constructor(
    private readonly authority: AuthorityService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get(): Promise<RegistrationAuthority> {
    this.current ??= this.issue().catch((error: unknown) => {
      this.current = undefined;
      throw error;
    });
    return this.current;
  }

  private async issue(): Promise<RegistrationAuthority> {
    const key = await generatePrivateKey('RSA-2048');
    const host = new URL(this.config.publicUrl).hostname;
    const commonName = isIP(host) || host === 'localhost' || !host.includes('.') ? 'localhost' : host;
    const issued = await this.authority.issue(
      'tls-server',
      { commonName, organizationCode: 'SCEP RA' },
      subjectKeyOf(key),
      {},
      { name: 'scep', type: 'system' },
      new Date(),
    );
    return {
      certificate: issued.der,
      key,
      recipient: { certificate: issued.der, forgeKey: forgeRsaKey(key) },
      signer: keySigner(issued.der, key),
    };
  }
}
