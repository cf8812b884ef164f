// RFC 5280 §4.2.1.10 name constraints for the forms workload identities use — DNS names, URIs
// (their host, so a SPIFFE trust domain can be constrained) and directory names — applied by every
// CA of the path, the trust anchor included, to every certificate below it. The other forms (IP
// addresses, e-mail, otherName…) are not implemented: a constraint of such a form refuses any
// certificate below that carries a name of that form, rather than being ignored.
import { IdentityError } from '../errors.ts';
import type { GeneralNameValue } from './cert-extensions.ts';
import { isSelfIssued } from './cert-rules.ts';
import type { ParsedCertificate } from './certificate.ts';
import { describeName, type ParsedName, sameRdn } from './names.ts';

type Form = GeneralNameValue['kind'];

const DNS_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const URI_AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i;
const EMAIL_ATTRIBUTE = '1.2.840.113549.1.9.1';

/** `path[0]` is the leaf, the last element the trust anchor. */
export function checkNameConstraints(path: readonly ParsedCertificate[]): void {
  for (let i = 1; i < path.length; i++) {
    const constraints = path[i]!.extensions.nameConstraints;
    if (constraints === undefined) continue;
    for (let j = 0; j < i; j++) {
      const cert = path[j]!;
      // §6.1.3 (b): self-issued intermediates are not checked (a CA re-keying itself).
      if (j > 0 && isSelfIssued(cert)) continue;
      const why = violation(namesOf(cert), constraints.permitted, constraints.excluded);
      if (why !== undefined) {
        throw new IdentityError(
          'cert.name_constraint_violation',
          `${describeName(cert.subject)} under ${describeName(path[i]!.subject)}: ${why}`,
        );
      }
    }
  }
}

function namesOf(cert: ParsedCertificate): GeneralNameValue[] {
  const names: GeneralNameValue[] = [...(cert.extensions.subjectAltName?.names ?? [])];
  if (cert.subject.rdns.length > 0) names.push({ kind: 'dirName', value: cert.subject });
  for (const rdn of cert.subject.rdns) {
    for (const attribute of rdn) {
      if (attribute.oid === EMAIL_ATTRIBUTE)
        names.push({ kind: 'email', value: attribute.value ?? '' });
    }
  }
  return names;
}

function violation(
  names: readonly GeneralNameValue[],
  permitted: readonly GeneralNameValue[],
  excluded: readonly GeneralNameValue[],
): string | undefined {
  const forms = new Set<Form>([...permitted, ...excluded].map((c) => c.kind));
  for (const form of forms) {
    const ofForm = names.filter((n) => n.kind === form);
    if (ofForm.length === 0) continue;
    if (form !== 'dns' && form !== 'uri' && form !== 'dirName')
      return `${form} constraints are not supported`;
    const allowed = permitted.filter((c) => c.kind === form);
    const denied = excluded.filter((c) => c.kind === form);
    // A constraint the matcher cannot read (a trailing dot, a `*`, a whole URI instead of a host)
    // would never match: an excluded subtree would exclude nothing. Such a CA is refused.
    if ([...allowed, ...denied].some((c) => !usableConstraint(c)))
      return `${form} constraint that cannot be applied`;
    for (const name of ofForm) {
      // A name the constraint cannot be applied to is refused, whether permitted or excluded
      // subtrees are at stake (fail closed).
      if (!readable(name)) return `${form} name that name constraints cannot be applied to`;
      if (allowed.length > 0 && !allowed.some((c) => matches(name, c)))
        return `${form} name outside the permitted subtrees`;
      if (denied.some((c) => matches(name, c))) return `${form} name in an excluded subtree`;
    }
  }
  return undefined;
}

function readable(name: GeneralNameValue): boolean {
  if (name.kind === 'dns') return DNS_NAME.test(name.value.toLowerCase());
  if (name.kind === 'uri') return uriHost(name.value) !== undefined;
  return true;
}

function usableConstraint(constraint: GeneralNameValue): boolean {
  if (constraint.kind !== 'dns' && constraint.kind !== 'uri') return true;
  const value = constraint.value.toLowerCase();
  if (constraint.kind === 'dns' && value === '') return true; // every DNS name
  const host = value.startsWith('.') ? value.slice(1) : value;
  return DNS_NAME.test(host) && !/^[\d.]+$/.test(host);
}

function matches(name: GeneralNameValue, constraint: GeneralNameValue): boolean {
  if (name.kind === 'dirName' && constraint.kind === 'dirName')
    return isPrefix(constraint.value, name.value);
  if (name.kind === 'dns' && constraint.kind === 'dns')
    return dnsMatches(name.value.toLowerCase(), constraint.value.toLowerCase());
  if (name.kind === 'uri' && constraint.kind === 'uri') {
    const host = uriHost(name.value)!;
    const c = constraint.value.toLowerCase();
    // A URI constraint names a host exactly, or with a leading dot every host below it.
    return c.startsWith('.') ? host.endsWith(c) : host === c;
  }
  return false;
}

function dnsMatches(host: string, constraint: string): boolean {
  if (constraint === '') return true;
  if (constraint.startsWith('.')) return host.endsWith(constraint);
  return host === constraint || host.endsWith(`.${constraint}`);
}

/** The host of `scheme://host[:port]/…`, lower case; undefined without one, or with userinfo or an IP literal. */
function uriHost(uri: string): string | undefined {
  const authority = URI_AUTHORITY.exec(uri)?.[1];
  if (authority === undefined || authority.includes('@') || authority.startsWith('['))
    return undefined;
  const host = authority.replace(/:\d*$/, '').toLowerCase();
  return DNS_NAME.test(host) && !/^[\d.]+$/.test(host) ? host : undefined;
}

function isPrefix(prefix: ParsedName, name: ParsedName): boolean {
  return (
    prefix.rdns.length <= name.rdns.length &&
    prefix.rdns.every((rdn, i) => sameRdn(rdn, name.rdns[i]!))
  );
}
