import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { App } from '../../server/src/app.ts';

/**
 * Holds every answer a test app gives to the API document it publishes (/api/docs/json): the
 * status must be documented for the route, the content type must be one the document lists,
 * and a JSON body must match the documented schema (4xx bodies: the shared error body). An
 * /api answer from a route the document does not know is a violation too. So the contract
 * cannot drift from what the API tests see the server do.
 */
export function watchContract(app: App): { violations: string[] } {
  const violations: string[] = [];
  let checker: ((method: string, route: string | undefined, status: number, type: string, body: string) => string | null) | null = null;

  app.addHook('onSend', async (req, reply, payload) => {
    const url = req.url.split('?')[0]!;
    if (!url.startsWith('/api/') || url.startsWith('/api/docs') || req.method === 'HEAD' || reply.statusCode >= 500) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload) && payload !== null && payload !== undefined) return payload;
    checker ??= contractChecker(app.swagger() as unknown as OpenApi);
    const type = String(reply.getHeader('content-type') ?? '');
    const body = payload === null || payload === undefined ? '' : payload.toString();
    const problem = checker(req.method, req.routeOptions.url, reply.statusCode, type, body);
    if (problem) violations.push(`${req.method} ${req.routeOptions.url ?? url} → ${reply.statusCode}: ${problem}`);
    return payload;
  });
  return { violations };
}

export interface OpenApi {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
  components: { schemas: Record<string, unknown> };
}

const pointer = (...parts: string[]) => parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

export function contractChecker(doc: OpenApi) {
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateSchema: false });
  addFormats.default(ajv);
  ajv.addSchema({ ...doc, $id: 'doc' });
  const cache = new Map<string, ReturnType<typeof ajv.compile>>();
  const validator = (ref: string) => {
    let v = cache.get(ref);
    if (!v) cache.set(ref, (v = ajv.compile({ $ref: ref })));
    return v;
  };
  const errorBody = validator('doc#/components/schemas/Error');

  return (method: string, route: string | undefined, status: number, type: string, body: string): string | null => {
    const json = () => {
      try {
        return { ok: true as const, value: JSON.parse(body) as unknown };
      } catch {
        return { ok: false as const };
      }
    };
    const path = route?.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const op = path ? doc.paths[path]?.[method.toLowerCase()] : undefined;
    if (!op) {
      // No route (404 from the not-found handler, 400 from the router): still the error body.
      if (route === undefined && status >= 400) {
        const parsed = json();
        return parsed.ok && errorBody(parsed.value) ? null : `not the shared error body: ${ajv.errorsText(errorBody.errors)}`;
      }
      return 'the route is not in the API document';
    }
    const code = String(status);
    const key = code in op.responses ? code : `${code[0]}XX` in op.responses ? `${code[0]}XX` : 'default' in op.responses ? 'default' : null;
    if (!key) return `status not documented (documented: ${Object.keys(op.responses).join(', ')})`;
    const content = op.responses[key]!.content;
    if (!content) return body === '' ? null : 'a body where the document says none';
    const base = type.split(';')[0]!.trim();
    const media = Object.keys(content).find((m) => m === base || m === '*/*' || (m.endsWith('/*') && base.startsWith(m.slice(0, -1))));
    if (!media) return `content type ${type || '(none)'} not documented (documented: ${Object.keys(content).join(', ')})`;
    if (!base.endsWith('json') || !content[media]!.schema) return null;
    const parsed = json();
    if (!parsed.ok) return 'the body is not JSON';
    const validate = validator(`doc#/${pointer('paths', path!, method.toLowerCase(), 'responses', key, 'content', media, 'schema')}`);
    return validate(parsed.value) ? null : `body does not match the document: ${ajv.errorsText(validate.errors)}`;
  };
}
