// The emulator's model of Atlas: projects, their database users, the certificates issued per username, and the
// project's userSecurity (customer X.509 CAs and LDAP, stored separately so a PATCH of one leaves the other alone).
import { randomBytes } from "node:crypto";
import type { EmulatorClock } from "./clock";
import { ProjectCertificateAuthority } from "./certificate-authority";
import type { X509Type } from "./types";

/** SCRAM users live in admin, X.509 (and other external) users in $external. */
export const DATABASE_NAMES = ["admin", "$external"] as const;
export type DatabaseName = (typeof DATABASE_NAMES)[number];

export interface DatabaseUserRole {
  databaseName: string;
  roleName: string;
  collectionName?: string;
}

export interface DatabaseUser {
  username: string;
  databaseName: DatabaseName;
  x509Type: X509Type;
  awsIAMType: string;
  ldapAuthType: string;
  oidcAuthType: string;
  roles: DatabaseUserRole[];
  scopes: unknown[];
  labels: unknown[];
  description?: string;
  deleteAfterDate?: string;
  /** Write-only, never returned. */
  password?: string;
}

export interface StoredCertificate {
  serial: bigint;
  createdAt: Date;
  /** Usually the certificate's own notAfter; list churn moves it into the past to expire a certificate early. */
  notAfter: Date;
  subject: string;
  /** Issue order, the tie-breaker when certificates share a createdAt second. */
  sequence: number;
}

export const PROJECT_ID_PATTERN = /^[a-f0-9]{24}$/;

export class Project {
  readonly users = new Map<string, DatabaseUser>();
  /**
   * Keyed by username, not by user: a real list recorded right after a fresh create also showed an older
   * certificate, two months old, for the same name (certs-list-200, from an Atlas CLI test that deletes its user at
   * the end of each run), so certificates seem to outlive their user.
   */
  readonly certificates = new Map<string, StoredCertificate[]>();
  /** POSTs per username whose key pair is still being generated (see the per-user limit). */
  readonly certificatesInFlight = new Map<string, number>();
  /** Stored exactly as sent; null when customer (self-managed) X.509 is off. */
  customerX509Cas: string | null = null;
  /** Includes the write-only bindPassword, which responses leave out. */
  ldap: Record<string, unknown>;
  private authority?: Promise<ProjectCertificateAuthority>;

  constructor(
    readonly id: string,
    ldap: Record<string, unknown>,
    /** RSA size of the project CA's key: the emulator's keyBits. */
    private readonly caKeyBits: number,
  ) {
    this.ldap = ldap;
  }

  /** Created on first use: generating a CA key for every project up front would slow down tests that never need it. */
  certificateAuthority(clock: EmulatorClock): Promise<ProjectCertificateAuthority> {
    this.authority ??= ProjectCertificateAuthority.create(this.id, clock.now(), this.caKeyBits);
    return this.authority;
  }

  findUser(databaseName: string, username: string): DatabaseUser | undefined {
    return this.users.get(userKey(databaseName, username));
  }

  /** The certs routes carry no database segment: X.509 users live in $external, but a NONE user in admin still "exists". */
  findUserByName(username: string): DatabaseUser | undefined {
    return this.findUser("$external", username) ?? this.findUser("admin", username);
  }

  putUser(user: DatabaseUser): void {
    this.users.set(userKey(user.databaseName, user.username), user);
  }

  deleteUser(databaseName: string, username: string): boolean {
    return this.users.delete(userKey(databaseName, username));
  }

  recordCertificate(username: string, certificate: StoredCertificate): void {
    const list = this.certificates.get(username) ?? [];
    list.push(certificate);
    this.certificates.set(username, list);
  }

  allCertificates(username: string): StoredCertificate[] {
    return [...(this.certificates.get(username) ?? [])].sort(byCreation);
  }

  unexpiredCertificates(username: string, now: Date): StoredCertificate[] {
    return this.allCertificates(username).filter((cert) => cert.notAfter.getTime() > now.getTime());
  }
}

export class EmulatorState {
  readonly projects = new Map<string, Project>();
  private readonly serials = new Set<bigint>();
  private certificateSequence = 0;

  /** `caKeyBits`: RSA size of each project CA's key, the emulator's keyBits. */
  constructor(private readonly caKeyBits: number) {}

  createProject(projectId: string | undefined, ldap: Record<string, unknown> = defaultLdapSettings()): Project {
    const id = projectId ?? randomBytes(12).toString("hex");
    if (!PROJECT_ID_PATTERN.test(id)) throw new Error(`project id must be 24 lowercase hex characters: ${id}`);
    if (this.projects.has(id)) throw new Error(`project ${id} already exists`);
    const project = new Project(id, ldap, this.caKeyBits);
    this.projects.set(id, project);
    return project;
  }

  /** Serials are unique across the emulator, as a CA's serials must be. */
  claimSerial(candidate: () => bigint): bigint {
    for (;;) {
      const serial = candidate();
      if (!this.serials.has(serial)) {
        this.serials.add(serial);
        return serial;
      }
    }
  }

  nextCertificateSequence(): number {
    return ++this.certificateSequence;
  }
}

function userKey(databaseName: string, username: string): string {
  return `${databaseName}\u0000${username}`;
}

function byCreation(a: StoredCertificate, b: StoredCertificate): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || a.sequence - b.sequence;
}

/**
 * What a fresh Atlas project reports for LDAP: the recorded ldap section minus the fields the CLI had set
 * (usersecurity-get-200 after `atlas security ldap save`). Inferred: no fresh project was recorded as such.
 */
export function defaultLdapSettings(): Record<string, unknown> {
  return { authenticationEnabled: false, authorizationEnabled: false };
}

/** Non-trivial LDAP settings for the seeded project, so tests can prove a customerX509 PATCH leaves them byte-identical. */
export function sampleLdapSettings(): Record<string, unknown> {
  return {
    authenticationEnabled: true,
    authorizationEnabled: false,
    authzQueryTemplate: "{USER}?memberOf?base",
    bindPassword: "emulator-ldap-bind-password",
    bindUsername: "CN=BindUser,CN=Users,DC=ldap,DC=example,DC=com",
    hostname: "ldap.example.com",
    port: 636,
    userToDNMapping: [{ match: "(.+)@example\\.com", substitution: "CN={0},CN=Users,DC=ldap,DC=example,DC=com" }],
  };
}

/** Where a user of this x509Type lives: X.509 users in $external, NONE (SCRAM) users in admin. */
export function databaseNameFor(x509Type: X509Type): DatabaseName {
  return x509Type === "NONE" ? "admin" : "$external";
}

/** A user as the seed options and control routes create it: X.509 users in $external, NONE in admin. */
export function makeSeedUser(username: string, x509Type: X509Type): DatabaseUser {
  return {
    username,
    databaseName: databaseNameFor(x509Type),
    x509Type,
    awsIAMType: "NONE",
    ldapAuthType: "NONE",
    oidcAuthType: "NONE",
    roles: [{ databaseName: "admin", roleName: "readAnyDatabase" }],
    scopes: [],
    labels: [],
    ...(x509Type === "NONE" ? { password: "emulator-seed-password" } : {}),
  };
}
