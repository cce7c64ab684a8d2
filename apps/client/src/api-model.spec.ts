import { OperationError } from './errors';
import { readPage, readProblem, readRequest, readTestAnswer, type RequestSummary } from './api-model';

const URL = 'http://127.0.0.1:3000/api/v1/enrollment/requests';

/** A request as the API sends it: the contract's fields the client reads, plus some it does not. */
const view = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
  const read: RequestSummary = {
    id: 42,
    status: 'Cancelled',
    kind: 'workstation',
    commonName: '0123456789ABCDEF0123456789ABCDEF',
    subject: 'CN=0123456789ABCDEF0123456789ABCDEF,OU=Workstation,O=J1CFRA,C=FR',
    submittedAt: '2026-11-24T09:05:00.000Z',
    requestedBy: 'WS-0042\\alice',
    downloadedAt: null,
    downloadedBy: null,
    enrollmentType: 'Machine',
    rejectionReason: 'Superseded by request 43.',
  };
  return { ...read, organizationCode: 'J1CFRA', channel: 'client', certificateSerial: null, ...overrides };
};

const unexpected = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OperationError);
    expect(error).toMatchObject({ code: 'UNEXPECTED_RESPONSE', exitCode: 1 });
    return (error as Error).message;
  }
  throw new Error('no UNEXPECTED_RESPONSE');
};

describe('reading the API answers', () => {
  it('reads a request as the contract shapes it, cancellation reason in rejectionReason, and nothing else', () => {
    const request = readRequest(view(), URL);
    expect(request).toEqual({
      id: 42,
      status: 'Cancelled',
      kind: 'workstation',
      commonName: '0123456789ABCDEF0123456789ABCDEF',
      subject: 'CN=0123456789ABCDEF0123456789ABCDEF,OU=Workstation,O=J1CFRA,C=FR',
      submittedAt: '2026-11-24T09:05:00.000Z',
      requestedBy: 'WS-0042\\alice',
      downloadedAt: null,
      downloadedBy: null,
      enrollmentType: 'Machine',
      rejectionReason: 'Superseded by request 43.',
    });
    // Fields of other APIs are not read: the contract has one place for the reason.
    expect(
      readRequest(
        view({ rejectionReason: null, reason: 'x', cancellationReason: 'y', history: [{ reason: 'z' }] }),
        URL,
      ).rejectionReason,
    ).toBeNull();
  });

  it.each<[string, Record<string, unknown>]>([
    ['an id as text', { id: '42' }],
    ['a status the lifecycle does not know', { status: 'Superseded' }],
    ['no kind', { kind: undefined }],
    ['an enrollment type the contract does not know', { enrollmentType: 'Device' }],
    ['no common name', { commonName: undefined }],
    ['no submission date', { submittedAt: null }],
    ['a download date that is not text', { downloadedAt: 1764000000 }],
    ['a missing rejection reason (the API sends null)', { rejectionReason: undefined }],
  ])('refuses a request with %s, naming the URL', (_, overrides) => {
    expect(unexpected(() => readRequest(view(overrides), URL))).toMatch(
      /^The service at http:\/\/127\.0\.0\.1:3000\/api\/v1\/enrollment\/requests answered with an unexpected body \(.+\): is the URL right and the API current\?$/,
    );
  });

  it('reads a page as { items, nextCursor }, and nothing else', () => {
    expect(readPage({ items: [view(), view({ id: 41 })], nextCursor: 'b' }, URL)).toEqual({
      items: [expect.objectContaining({ id: 42 }), expect.objectContaining({ id: 41 })],
      nextCursor: 'b',
    });
    expect(readPage({ items: [], nextCursor: null }, URL)).toEqual({ items: [], nextCursor: null });
    expect(unexpected(() => readPage([view()], URL))).toContain('(not a list of requests)');
    expect(unexpected(() => readPage({ status: 'ok', database: 'up' }, URL))).toContain('(not a list of requests)');
    expect(unexpected(() => readPage({ items: [view()] }, URL))).toContain('(not a list of requests)');
    expect(unexpected(() => readPage({ items: [{ id: 1 }], nextCursor: null }, URL))).toContain('a known status');
  });

  it('reads the answer of the test service', () => {
    const answer = {
      message: 'Connection to test connection service successful.',
      subject: 'CN=x',
      serialNumber: '0A',
      notAfter: '2027-11-24T09:05:00.000Z',
    };
    expect(readTestAnswer(answer, URL)).toEqual(answer);
    expect(unexpected(() => readTestAnswer({ message: 'hello' }, URL))).toContain(
      '(not the answer of the test connection service)',
    );
  });

  it('reads a problem+json body, and keeps a snippet of anything else', () => {
    const problem = {
      type: 'urn:enroll:problem:certificate-revoked',
      title: 'Forbidden',
      status: 403,
      detail: 'The certificate was revoked.',
      code: 'CERTIFICATE_REVOKED',
    };
    expect(readProblem(403, 'Forbidden', JSON.stringify(problem))).toEqual({
      status: 403,
      code: 'CERTIFICATE_REVOKED',
      title: 'Forbidden',
      detail: 'The certificate was revoked.',
    });
    expect(readProblem(502, 'Bad Gateway', '<html>\n  <body>upstream down</body>\n</html>')).toEqual({
      status: 502,
      title: 'Bad Gateway',
      detail: '<html> <body>upstream down</body> </html>',
    });
    expect(readProblem(404, 'Not Found', '{"message":"Cannot GET /x","error":"Not Found"}')).toEqual({
      status: 404,
      title: 'Not Found',
      detail: '{"message":"Cannot GET /x","error":"Not Found"}',
    });
    expect(readProblem(500, '', '')).toEqual({ status: 500, title: 'HTTP 500' });
  });
});
