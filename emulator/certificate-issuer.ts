// Issues certificates into the state: a fresh key pair per POST (as Atlas does), or one shared key pair for
// cheap bulk seeding and list churn (hundreds of certificates in well under a second).
import type { EmulatorClock } from "./clock";
import {
  generateRsaKeyPair,
  privateKeyPem,
  randomSerial,
  type ProjectCertificateAuthority,
  type RsaKeyPair,
} from "./certificate-authority";
import { DEFAULT_CERT_MONTHS } from "./defaults";
import type { EmulatorState, Project, StoredCertificate } from "./state";

export class CertificateIssuer {
  private sharedKeys?: Promise<RsaKeyPair>;
  /** Pre-generated key pairs handed out in turn by issueWithNewKey (EmulatorOptions.keyPool). */
  private keyPool: RsaKeyPair[] = [];
  private nextPooledKey = 0;

  constructor(
    private readonly state: EmulatorState,
    private readonly clock: EmulatorClock,
    private readonly keyBits: number,
  ) {}

  /** Generates `size` key pairs that issueWithNewKey then hands out in turn (0: a fresh key pair per POST). */
  async fillKeyPool(size: number): Promise<void> {
    this.keyPool = await Promise.all(Array.from({ length: size }, () => generateRsaKeyPair(this.keyBits)));
    this.nextPooledKey = 0;
  }

  /** The POST certs body: the certificate PEM followed by its PKCS#8 private key PEM. */
  async issueWithNewKey(project: Project, username: string, months: number): Promise<string> {
    const [authority, keys] = await Promise.all([
      project.certificateAuthority(this.clock),
      this.keyForNewCertificate(),
    ]);
    const { certificatePem } = this.issue(project, authority, username, keys, months);
    return certificatePem + privateKeyPem(keys);
  }

  private keyForNewCertificate(): Promise<RsaKeyPair> {
    if (this.keyPool.length === 0) return generateRsaKeyPair(this.keyBits);
    const keys = this.keyPool[this.nextPooledKey++ % this.keyPool.length];
    return Promise.resolve(keys);
  }

  /** Real, CA-signed certificates that all share one key pair; that private key is never handed out. */
  async issueShared(project: Project, username: string, count: number, months: number): Promise<StoredCertificate[]> {
    this.sharedKeys ??= generateRsaKeyPair(this.keyBits);
    const [authority, keys] = await Promise.all([project.certificateAuthority(this.clock), this.sharedKeys]);
    return Array.from({ length: count }, () => this.issue(project, authority, username, keys, months).stored);
  }

  /** List churn: one certificate in, the oldest unexpired other one out, so page boundaries shift between calls. */
  async churn(project: Project, username: string): Promise<void> {
    const [fresh] = await this.issueShared(project, username, 1, DEFAULT_CERT_MONTHS);
    const now = this.clock.now();
    const oldest = project.unexpiredCertificates(username, now).find((cert) => cert !== fresh);
    if (oldest) oldest.notAfter = new Date(Math.floor(now.getTime() / 1000) * 1000 - 1000);
  }

  private issue(
    project: Project,
    authority: ProjectCertificateAuthority,
    username: string,
    keys: RsaKeyPair,
    months: number,
  ): { certificatePem: string; stored: StoredCertificate } {
    const serial = this.state.claimSerial(randomSerial);
    const issued = authority.issue({ username, keys, issuedAt: this.clock.now(), months, serial });
    const stored: StoredCertificate = {
      serial,
      createdAt: issued.createdAt,
      notAfter: issued.notAfter,
      subject: issued.subject,
      sequence: this.state.nextCertificateSequence(),
    };
    project.recordCertificate(username, stored);
    return { certificatePem: issued.certificatePem, stored };
  }
}
