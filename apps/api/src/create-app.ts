import 'reflect-metadata';
import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { ValidationError } from 'class-validator';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { join } from 'node:path';
import { AppModule } from './app.module';
import { serveOcspFirst } from './pki/ocsp-endpoint';
import { OcspService } from './pki/ocsp.service';
import { AppError } from './common/app-error';
import { sendProblem, toProblem } from './common/problem-details.filter';
import type { AppConfig } from './config/app-config';
import type { DatabaseTarget } from './database/database-options';

/** Largest JSON body: a CSR is capped at 64 KiB, everything else is far smaller. */
export const JSON_BODY_LIMIT = '256kb';

function flatten(errors: ValidationError[], parent = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    return [...(e.constraints ? [{ field, problems: Object.values(e.constraints) }] : []), ...flatten(e.children ?? [], field)];
  });
}

/** Builds the configured application (used by main and by the tests). */
export async function createApp(config: AppConfig, database: DatabaseTarget): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, database), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  app.use(helmet());
  app.use(cookieParser());
  app.use(express.json({ limit: JSON_BODY_LIMIT, strict: true }));
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => {
        const fields = flatten(errors);
        return new AppError('VALIDATION_FAILED', fields.map((f) => `${f.field}: ${f.problems.join(', ')}`).join('; ') || 'The request is not valid.', { errors: fields });
      },
    }),
  );
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('Enroll API').setVersion('1').setDescription('Certificate enrollment: see API.md').addBearerAuth().build(),
  );
  // OCSP is served ahead of Nest (pki/ocsp-endpoint.ts), so the document lists it by hand.
  const ocspAnswer = { 200: { description: 'An RFC 6960 OCSPResponse (malformedRequest for bad input)', content: { 'application/ocsp-response': {} } } };
  document.paths['/pki/ocsp'] = {
    post: { tags: ['pki'], summary: 'OCSP over POST (RFC 6960)', requestBody: { required: true, content: { 'application/ocsp-request': {} } }, responses: ocspAnswer },
  };
  document.paths['/pki/ocsp/{request}'] = {
    get: {
      tags: ['pki'], summary: 'OCSP over GET: the base64 DER request, URL-encoded (RFC 6960 appendix A)',
      parameters: [{ name: 'request', in: 'path', required: true, schema: { type: 'string' } }], responses: ocspAnswer,
    },
  };
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  if (config.portalDir) {
    const portalDir = config.portalDir;
    app.use(express.static(portalDir, { index: false, maxAge: '1h' }));
    // The portal routes on the client side: unknown paths outside the API get its index page.
    app.use((request: Request, response: Response, next: NextFunction) => {
      if (request.method === 'GET' && !/^\/(api|pki|health)(\/|$)/.test(request.path) && request.accepts('html')) {
        response.sendFile(join(portalDir, 'index.html'));
        return;
      }
      next();
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
