// `roles-anywhere update` on real files: one profile of the shared credentials file set, every
// other byte kept (checked exactly, and by fast-check over random files), the AWS SDK's fromIni
// reading back what was written, new files private, atomic replacement under a lock that two
// processes share and that a crashed holder does not keep, and the loop that rewrites ahead of
// expiry and retries after failures.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fromIni } from '@aws-sdk/credential-providers';
import { RolegateClientError } from '@rolegate/client';
import fc from 'fast-check';
import {
  defaultCredentialsPath,
  writeProfileCredentials,
} from '../src/roles-anywhere/credentials-file.ts';
import { DEFAULT_STALE_LOCK_MS } from '../src/roles-anywhere/file-lock.ts';
import { setProfileValues } from '../src/roles-anywhere/ini-profile.ts';
import { readLines, readSections, splitLines } from '../src/roles-anywhere/ini-reading.ts';
import type { SessionCredentials } from '../src/roles-anywhere/session-credentials.ts';
import { runUpdateLoop } from '../src/roles-anywhere/update-loop.ts';

const root = mkdtempSync(join(tmpdir(), 'rolegate-update-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => {
  const dir = join(root, String(dirs++));
  mkdirSync(dir);
  return dir;
};

function session(n: number | string, expiresAt = Date.now() + 3_600_000): SessionCredentials {
  return {
    accessKeyId: `ASIA${n}`,
    secretAccessKey: `secret/${n}+key=`,
    sessionToken: `token-${n}`,
    expiration: new Date(expiresAt),
  };
}

const keysOf = (c: SessionCredentials) =>
  `aws_access_key_id = ${c.accessKeyId}\naws_secret_access_key = ${c.secretAccessKey}\naws_session_token = ${c.sessionToken}\n`;

/** What the AWS SDK reads from `path` for `profile`. */
function sdkRead(path: string, profile: string) {
  return fromIni({
    profile,
    filepath: path,
    configFilepath: join(root, 'no-config'),
    ignoreCache: true,
  })();
}

/** The access key id of profile `ra` in the file now. */
const fileKey = (path: string) =>
  readSections(readFileSync(path, 'utf8')).get('ra')?.get('aws_access_key_id');

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('writeProfileCredentials', () => {
  const existing = [
    '# rolegate test file',
    '[default]',
    'aws_access_key_id = AKIADEFAULT',
    'aws_secret_access_key = default-secret ; keep me',
    '',
    '; the Roles Anywhere profile',
    '[ra]',
    'region = eu-west-1',
    'aws_access_key_id=ASIAOLD   # rotated by update',
    '  aws_secret_access_key   =   old-secret',
    'aws_session_token = old-token',
    'expiration = 2020-01-01T00:00:00Z',
    's3 =',
    '  max_concurrent_requests = 20',
    '',
    '[other]',
    'output = json',
    '',
  ].join('\n');

  it('replaces only the profile’s three keys, keeping everything else byte for byte', async () => {
    const path = join(freshDir(), 'credentials');
    writeFileSync(path, existing);
    chmodSync(path, 0o640);
    const credentials = session(1);
    await writeProfileCredentials({ path, profile: 'ra', credentials });
    assert.equal(
      readFileSync(path, 'utf8'),
      existing
        .replace('aws_access_key_id=ASIAOLD   #', 'aws_access_key_id=ASIA1   #')
        .replace('=   old-secret', '=   secret/1+key=')
        .replace('= old-token', '= token-1'),
    );
    assert.equal(modeOf(path), 0o640);
    const read = await sdkRead(path, 'ra');
    assert.equal(read.accessKeyId, 'ASIA1');
    assert.equal(read.secretAccessKey, 'secret/1+key=');
    assert.equal(read.sessionToken, 'token-1');
    assert.equal((await sdkRead(path, 'default')).accessKeyId, 'AKIADEFAULT');
  });

  it('adds keys the profile lacks after its last key, and a missing profile at the end', async () => {
    const path = join(freshDir(), 'credentials');
    writeFileSync(path, existing);
    await writeProfileCredentials({ path, profile: 'other', credentials: session(2) });
    assert.equal(
      readFileSync(path, 'utf8'),
      existing.replace('output = json\n', `output = json\n${keysOf(session(2))}`),
    );
    await writeProfileCredentials({ path, profile: 'new', credentials: session(3) });
    const expected = `${existing.replace('output = json\n', `output = json\n${keysOf(session(2))}`)}\n[new]\n${keysOf(session(3))}`;
    assert.equal(readFileSync(path, 'utf8'), expected);
    assert.equal((await sdkRead(path, 'new')).sessionToken, 'token-3');
    assert.equal((await sdkRead(path, 'other')).sessionToken, 'token-2');
  });

  it('keeps CRLF line breaks and a last line without one', async () => {
    const path = join(freshDir(), 'credentials');
    writeFileSync(path, '[default]\r\nregion = us-east-1');
    await writeProfileCredentials({ path, profile: 'default', credentials: session(4) });
    assert.equal(
      readFileSync(path, 'utf8'),
      `[default]\r\nregion = us-east-1\r\n${keysOf(session(4)).replaceAll('\n', '\r\n')}`,
    );
  });

  it('creates a missing file readable by its owner only, in a directory only its owner enters', async () => {
    const dir = join(freshDir(), '.aws');
    const path = join(dir, 'credentials');
    const previous = process.umask(0o022);
    try {
      await writeProfileCredentials({ path, profile: 'default', credentials: session(5) });
    } finally {
      process.umask(previous);
    }
    assert.equal(modeOf(path), 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(readFileSync(path, 'utf8'), `[default]\n${keysOf(session(5))}`);
    assert.equal((await sdkRead(path, 'default')).accessKeyId, 'ASIA5');
    // Nothing is left beside it: no temporary file, no lock.
    assert.deepEqual(readdirSync(dir), ['credentials']);
  });

  it('follows a symbolic link and replaces the file it points to', async () => {
    const dir = freshDir();
    const real = join(dir, 'real-credentials');
    const link = join(dir, 'credentials');
    writeFileSync(real, '[default]\nregion = us-east-1\n');
    symlinkSync(real, link);
    await writeProfileCredentials({ path: link, profile: 'default', credentials: session(6) });
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.match(readFileSync(real, 'utf8'), /aws_session_token = token-6/);
  });

  it('refuses a profile name the SDK would not read back, touching nothing', async () => {
    const dir = freshDir();
    const path = join(dir, 'credentials');
    const names = [
      '',
      'a]b',
      '[a',
      'a\nb',
      'a\rb',
      'a\tb',
      'profile ra',
      'a #b',
      'x ;y',
      '__proto__',
    ];
    for (const profile of names) {
      await assert.rejects(
        writeProfileCredentials({ path, profile, credentials: session(7) }),
        { code: 'cli.invalid_option' },
        JSON.stringify(profile),
      );
    }
    assert.equal(existsSync(path), false);
  });

  it('refuses values that would not stay one value on one line', async () => {
    const path = join(freshDir(), 'credentials');
    for (const sessionToken of ['a\n[default]', 'a b', '#x', '']) {
      await assert.rejects(
        writeProfileCredentials({
          path,
          profile: 'ra',
          credentials: { ...session(8), sessionToken },
        }),
        TypeError,
      );
    }
    assert.equal(existsSync(path), false);
  });
});

describe('the credentials file lock', () => {
  const lockOf = (path: string) => `${path}.rolegate.lock`;
  const lockRecord = (pid: number, createdAt: number) =>
    JSON.stringify({ pid, host: hostname(), createdAt, nonce: 'test' });

  /** The pid of a process that has exited. */
  async function deadPid(): Promise<number> {
    const child = execFile(process.execPath, ['-e', '0']);
    await new Promise((resolve) => child.on('exit', resolve));
    return child.pid!;
  }

  it('takes over the lock of a process that no longer runs', async () => {
    const path = join(freshDir(), 'credentials');
    writeFileSync(lockOf(path), lockRecord(await deadPid(), Date.now()));
    await writeProfileCredentials({ path, profile: 'default', credentials: session(9) });
    assert.equal((await sdkRead(path, 'default')).accessKeyId, 'ASIA9');
    assert.equal(existsSync(lockOf(path)), false);
  });

  it('takes over a lock older than the bound even if its holder runs', async () => {
    const path = join(freshDir(), 'credentials');
    writeFileSync(lockOf(path), lockRecord(process.pid, Date.now() - DEFAULT_STALE_LOCK_MS - 1000));
    await writeProfileCredentials({ path, profile: 'default', credentials: session(10) });
    assert.equal((await sdkRead(path, 'default')).accessKeyId, 'ASIA10');
  });

  it('waits for a live holder', async () => {
    const path = join(freshDir(), 'credentials');
    writeFileSync(lockOf(path), lockRecord(process.pid, Date.now()));
    let done = false;
    const writing = writeProfileCredentials({
      path,
      profile: 'default',
      credentials: session(11),
    }).then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(done, false, 'wrote while the lock was held');
    assert.equal(existsSync(path), false);
    rmSync(lockOf(path));
    await writing;
    assert.equal((await sdkRead(path, 'default')).accessKeyId, 'ASIA11');
  });

  it('keeps two processes writing 20 times each at once from losing or mixing updates', async () => {
    const path = join(freshDir(), 'credentials');
    writeFileSync(path, '# shared by two updaters\n[keep]\nregion = us-east-1\n');
    const module = join(import.meta.dirname, '../src/roles-anywhere/credentials-file.ts');
    const writer = (name: string) => `
      import { writeProfileCredentials } from ${JSON.stringify(module)};
      const set = (n) => ({ accessKeyId: 'ASIA${name}' + n, secretAccessKey: 'secret${name}' + n,
        sessionToken: 'token${name}' + n, expiration: new Date(Date.now() + 3600000) });
      await Promise.all(Array.from({ length: 20 }, (_, n) => Promise.all([
        writeProfileCredentials({ path: ${JSON.stringify(path)}, profile: 'shared', credentials: set(n) }),
        writeProfileCredentials({ path: ${JSON.stringify(path)}, profile: 'own-${name}', credentials: set(n) }),
      ])));`;
    const run = (name: string) =>
      new Promise<void>((resolve, reject) =>
        execFile(
          process.execPath,
          ['--import', 'tsx', '--input-type=module', '-e', writer(name)],
          { timeout: 120_000 },
          (error, _stdout, stderr) =>
            error ? reject(new Error(stderr || String(error))) : resolve(),
        ),
      );
    await Promise.all([run('A'), run('B')]);

    const text = readFileSync(path, 'utf8');
    assert.ok(text.startsWith('# shared by two updaters\n[keep]\nregion = us-east-1\n'));
    const sections = readSections(text);
    // Each profile holds one complete set, all three keys from the same write.
    for (const profile of ['shared', 'own-A', 'own-B']) {
      const keys = sections.get(profile);
      assert.ok(keys, `${profile} was lost`);
      const n = keys.get('aws_access_key_id')?.slice(4);
      assert.match(n ?? '', /^[AB]\d+$/, profile);
      assert.equal(keys.get('aws_secret_access_key'), `secret${n}`);
      assert.equal(keys.get('aws_session_token'), `token${n}`);
      assert.equal(keys.size, 3);
    }
    // Each section once; no temporary file or lock left behind.
    assert.equal(text.match(/^\[shared\]$/gm)?.length, 1);
    assert.deepEqual(readdirSync(join(path, '..')), ['credentials']);
    assert.equal((await sdkRead(path, 'own-B')).accessKeyId.startsWith('ASIAB'), true);
  });
});

describe('runUpdateLoop', () => {
  it('writes at once, then again ahead of each expiry, until the signal aborts', async () => {
    const path = join(freshDir(), 'credentials');
    const stop = new AbortController();
    let fetches = 0;
    const written: string[] = [];
    const onDisk: Array<string | undefined> = [];
    const loop = runUpdateLoop({
      // Sessions of 1.2 s, replaced 1 s before they expire (so after 0.6 s, half their life).
      fetch: async () => session(++fetches, Date.now() + 1200),
      refreshAheadMs: 1000,
      path,
      profile: 'ra',
      signal: stop.signal,
      onUpdate: (c) => {
        written.push(c.accessKeyId);
        onDisk.push(fileKey(path));
        if (written.length === 3) stop.abort();
      },
    });
    await loop;
    assert.deepEqual(written, ['ASIA1', 'ASIA2', 'ASIA3']);
    assert.deepEqual(onDisk, written);
    assert.equal(fetches, 3);
    assert.equal((await sdkRead(path, 'ra')).accessKeyId, 'ASIA3');
  });

  it('rejects when the first write fails, with the fetcher’s error', async () => {
    const path = join(freshDir(), 'credentials');
    await assert.rejects(
      runUpdateLoop({
        fetch: async () => {
          throw new RolegateClientError('client.roles_anywhere_refused', 'AccessDenied');
        },
        path,
        profile: 'ra',
        signal: new AbortController().signal,
      }),
      { code: 'client.roles_anywhere_refused' },
    );
    assert.equal(existsSync(path), false);
  });

  it('rejects when the first write cannot be made', async () => {
    const dir = freshDir();
    await assert.rejects(
      runUpdateLoop({
        fetch: async () => session(1),
        path: dir, // a directory
        profile: 'ra',
        signal: new AbortController().signal,
      }),
      (error: NodeJS.ErrnoException) => typeof error.code === 'string',
    );
  });

  it('keeps the last credentials and retries when a refresh fails', async () => {
    const path = join(freshDir(), 'credentials');
    const stop = new AbortController();
    const answers = [
      async () => session(1, Date.now() + 200),
      async () => {
        throw new RolegateClientError('client.roles_anywhere_unreachable', 'refused');
      },
      async () => session(2),
    ];
    const errors: unknown[] = [];
    const onDiskAtError: Array<string | undefined> = [];
    await runUpdateLoop({
      fetch: () => answers.shift()!(),
      refreshAheadMs: 100,
      path,
      profile: 'ra',
      signal: stop.signal,
      onError: (error) => {
        errors.push(error);
        onDiskAtError.push(fileKey(path));
      },
      onUpdate: (c) => {
        if (c.accessKeyId === 'ASIA2') stop.abort();
      },
    });
    assert.deepEqual(
      errors.map((e) => (e as { code: string }).code),
      ['client.roles_anywhere_unreachable'],
    );
    assert.deepEqual(onDiskAtError, ['ASIA1']);
    assert.equal((await sdkRead(path, 'ra')).accessKeyId, 'ASIA2');
  });

  it('returns when the signal aborts while it waits', async () => {
    const stop = new AbortController();
    const loop = runUpdateLoop({
      fetch: async () => session(1),
      path: join(freshDir(), 'credentials'),
      profile: 'ra',
      signal: stop.signal,
      onUpdate: () => setImmediate(() => stop.abort()),
    });
    await loop;
  });
});

describe('defaultCredentialsPath', () => {
  it('reads AWS_SHARED_CREDENTIALS_FILE as the SDK does, else ~/.aws/credentials', () => {
    assert.equal(defaultCredentialsPath({}), join(homedir(), '.aws', 'credentials'));
    assert.equal(
      defaultCredentialsPath({ AWS_SHARED_CREDENTIALS_FILE: '' }),
      join(homedir(), '.aws', 'credentials'),
    );
    assert.equal(
      defaultCredentialsPath({ AWS_SHARED_CREDENTIALS_FILE: '/etc/creds' }),
      '/etc/creds',
    );
    assert.equal(
      defaultCredentialsPath({ AWS_SHARED_CREDENTIALS_FILE: '~/x/creds' }),
      join(homedir(), 'x', 'creds'),
    );
    assert.equal(
      defaultCredentialsPath({ AWS_SHARED_CREDENTIALS_FILE: 'rel/creds' }),
      join(process.cwd(), 'rel', 'creds'),
    );
  });
});

describe('the profile rewrite, over random credentials files', () => {
  const PROFILE = 'ra';
  const values = [
    ['aws_access_key_id', 'ASIANEW'],
    ['aws_secret_access_key', 'new/secret+='],
    ['aws_session_token', 'new-token'],
  ] as const;

  const spaces = fc.constantFrom('', ' ', '  ', '\t');
  const comment = fc.constantFrom('', ' # note', ' ; note', '  #', '#glued');
  const header = fc
    .tuple(
      spaces,
      fc.constantFrom('ra', 'default', 'other', ' ra', 'ra ', 'profile ra', 'RA', 'x y', 'a.b'),
      spaces,
      comment,
    )
    .map(([before, name, after, note]) => `${before}[${name}]${after}${note}`);
  const entry = fc
    .tuple(
      spaces,
      fc.constantFrom(
        'aws_access_key_id',
        'aws_secret_access_key',
        'aws_session_token',
        'region',
        's3',
        'max_concurrent_requests',
        'expiration',
      ),
      spaces,
      spaces,
      fc.stringMatching(/^[A-Za-z0-9/+=.-]{0,10}$/),
      comment,
    )
    .map(([indent, key, a, b, value, note]) => `${indent}${key}${a}=${b}${value}${note}`);
  const other = fc.constantFrom('', '   ', '# comment', '; comment', 'no equals', '=value', '[');
  const file = fc
    .tuple(
      fc.array(fc.tuple(fc.oneof(header, entry, entry, other), fc.constantFrom('\n', '\r\n')), {
        maxLength: 30,
      }),
      fc.boolean(),
    )
    .map(([lines, endsWithBreak]) => {
      const text = lines.map(([line, eol]) => line + eol).join('');
      return endsWithBreak ? text : text.replace(/\r?\n$/, '');
    });

  /** The lines outside the profile's sections, as the SDK assigns them. */
  function linesOutside(text: string) {
    const lines = splitLines(text);
    let inside = false;
    return readLines(lines).flatMap((meaning, i) => {
      if (meaning.kind === 'section') inside = meaning.section === PROFILE;
      return inside ? [] : [lines[i]!];
    });
  }

  it('changes no other section, no line outside the profile, and sets the profile', () => {
    fc.assert(
      fc.property(file, (before) => {
        const after = setProfileValues(before, PROFILE, values);
        const was = readSections(before);
        const now = readSections(after);
        for (const [section, keys] of was) {
          if (section !== PROFILE) assert.deepEqual(now.get(section), keys, section);
        }
        assert.deepEqual(
          now.get(PROFILE),
          new Map([...(was.get(PROFILE) ?? []), ...values]),
          'the profile',
        );
        assert.deepEqual([...now.keys()].sort(), [...new Set([...was.keys(), PROFILE])].sort());

        // Byte for byte: the lines outside the profile stay, except that the last may gain a
        // line break and a blank line may come before a new section.
        const outsideBefore = linesOutside(before);
        const outsideAfter = linesOutside(after);
        const added = outsideAfter.length - outsideBefore.length;
        assert.ok(added === 0 || (added === 1 && !was.has(PROFILE)));
        outsideBefore.forEach((line, i) => {
          assert.equal(outsideAfter[i]!.content, line.content);
          if (i < outsideBefore.length - 1 || line.eol !== '')
            assert.equal(outsideAfter[i]!.eol, line.eol);
        });
        // A second write of the same values changes nothing.
        assert.equal(setProfileValues(after, PROFILE, values), after);
      }),
      { numRuns: 500 },
    );
  });

  it('writes what the AWS SDK’s fromIni reads back', async () => {
    const dir = freshDir();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(file, async (before) => {
        const path = join(dir, `credentials-${run++}`);
        writeFileSync(path, setProfileValues(before, PROFILE, values));
        const read = await sdkRead(path, PROFILE);
        assert.equal(read.accessKeyId, 'ASIANEW');
        assert.equal(read.secretAccessKey, 'new/secret+=');
        assert.equal(read.sessionToken, 'new-token');
      }),
      { numRuns: 100 },
    );
  });
});
