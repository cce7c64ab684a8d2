import 'reflect-metadata';
import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { ValidationError } from 'class-validator';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { existsSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { AppModule } from './app.module';
import { serveOcspFirst } from './pki/ocsp-endpoint';
import { OcspService } from './pki/ocsp.service';
import { AppError } from './common/app-error';
import { inputGuard, jsonOnly, noStore } from './common/input-guard';
import { createLogger, PinoNestLogger, requestLogger } from './common/logging';
import { sendProblem, toProblem } from './common/problem-details.filter';
import type { AppConfig } from './config/app-config';
import type { DatabaseTarget } from './database/database-options';

/** Largest JSON body: a CSR is capped at 64 KiB, everything else is far smaller. */
export const JSON_BODY_LIMIT = '256kb';

function flatten(errors: ValidationError[], parent = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    return [
      ...(e.constraints ? [{ field, problems: Object.values(e.constraints) }] : []),
      ...flatten(e.children ?? [], field),
    ];
  });
}

/**
 * The portal's assets that the build also wrote compressed (`x.js.br`, `x.js.gz`, vite.config.ts),
 * by URL path: read once, so a request costs no stat. Brotli makes the main script about a fifth
 * of its size, gzip about a third.
 */
function precompressedAssets(portalDir: string): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const assets = join(portalDir, 'assets');
  for (const name of existsSync(assets) ? readdirSync(assets) : []) {
    const encoding = name.endsWith('.br') ? 'br' : name.endsWith('.gz') ? 'gzip' : undefined;
    if (encoding) {
      const path = `/assets/${name.slice(0, name.lastIndexOf('.'))}`;
      found.set(path, (found.get(path) ?? new Set()).add(encoding));
    }
  }
  return found;
}

const SUFFIX: Record<string, string> = { br: '.br', gzip: '.gz' };

/** Builds the configured application (used by main and by the tests). */
export async function createApp(config: AppConfig, database: DatabaseTarget): Promise<INestApplication> {
  const logger = createLogger(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, database), {
    bodyParser: false,
    logger: new PinoNestLogger(logger),
  });
  app.use(requestLogger(logger));
  // X-Forwarded-For only from the proxies named in ENROLL_TRUST_PROXY (none by default): any
  // other caller could rotate addresses past the sign-in limit and into the audit log.
  app.set('trust proxy', config.trustProxy.length > 0 ? [...config.trustProxy] : false);
  app.disable('x-powered-by');
  app.use(helmet());
  app.use(noStore);
  app.use(cookieParser());
  app.use(jsonOnly);
  app.use(express.json({ limit: JSON_BODY_LIMIT, strict: true }));
  app.use(inputGuard);
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => {
        const fields = flatten(errors);
        return new AppError(
          'VALIDATION_FAILED',
          fields.map((f) => `${f.field}: ${f.problems.join(', ')}`).join('; ') || 'The request is not valid.',
          { errors: fields },
        );
      },
    }),
  );
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Enroll API')
      .setVersion('1')
      .setDescription('Certificate enrollment: see docs/api.md in the repository')
      .addBearerAuth()
      .build(),
  );
  // OCSP is served ahead of Nest (pki/ocsp-endpoint.ts), so the document lists it by hand.
  const ocspAnswer = {
    200: {
      description: 'An RFC 6960 OCSPResponse (malformedRequest for bad input)',
      content: { 'application/ocsp-response': {} },
    },
  };
  document.paths['/pki/ocsp'] = {
    post: {
      tags: ['pki'],
      summary: 'OCSP over POST (RFC 6960)',
      requestBody: { required: true, content: { 'application/ocsp-request': {} } },
      responses: ocspAnswer,
    },
  };
  document.paths['/pki/ocsp/{request}'] = {
    get: {
      tags: ['pki'],
      summary: 'OCSP over GET: the base64 DER request, URL-encoded (RFC 6960 appendix A)',
      parameters: [{ name: 'request', in: 'path', required: true, schema: { type: 'string' } }],
      responses: ocspAnswer,
    },
  };
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  if (config.portalDir) {
    const portalDir = config.portalDir;
    // Vite names assets by content hash: they never change, so browsers may keep them for good.
    // index.html is revalidated so a new build is picked up at once.
    const files = express.static(portalDir, { index: false, maxAge: '1y', immutable: true });
    // The protocol doors too: SCEP and EST clients send no Accept header that the portal's fallback could read.
    const isApi = (path: string): boolean => /^\/(api|pki|health|downloads|scep|\.well-known)(\/|$)/.test(path);
    const compressed = precompressedAssets(portalDir);
    app.use((request: Request, response: Response, next: NextFunction) => {
      // API calls skip the file system: a stat per call cost 2.5 % of the API's CPU (bench:api).
      if (isApi(request.path) || (request.method !== 'GET' && request.method !== 'HEAD')) {
        next();
        return;
      }
      const encodings = compressed.get(request.path);
      if (encodings) {
        // The compressed twin, with the original's type: send() keeps a Content-Type already set.
        // The server's preference (brotli, the smaller), not the header's order: browsers list gzip first.
        const encoding = ['br', 'gzip'].find((e) => encodings.has(e) && request.acceptsEncodings(e) === e);
        response.vary('Accept-Encoding');
        if (encoding) {
          response.setHeader('content-encoding', encoding);
          response.type(extname(request.path));
          request.url = `${request.path}${SUFFIX[encoding] ?? ''}`;
        }
      }
      files(request, response, () => {
        // The portal routes on the client side: other paths get its index page.
        if (request.accepts('html')) {
          response.setHeader('cache-control', 'no-cache');
          response.sendFile(join(portalDir, 'index.html'));
          return;
        }
        next();
      });
    });
  }
  await app.init();
  serveOcspFirst(app.getHttpServer(), app.get(OcspService));
  // Errors raised before a route is reached (bad JSON, a body too large) get problem+json too.
  app.use((error: unknown, _request: Request, response: Response, next: NextFunction) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    sendProblem(response, toProblem(error));
  });
  return app;
}
