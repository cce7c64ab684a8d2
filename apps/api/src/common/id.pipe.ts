import { type PipeTransform, Injectable } from '@nestjs/common';
import { notFound } from './app-error';

/** Request ids are positive integers; anything else cannot exist, so it is a 404 like a missing one. */
@Injectable()
export class RequestIdPipe implements PipeTransform<unknown, number> {
  transform(value: unknown): number {
    // The global ValidationPipe may already have turned the text into a number (NaN for 'abc').
    const text = String(value);
    if (!/^\d{1,15}$/.test(text) || Number(text) < 1) {
      throw notFound(`Request ${text.slice(0, 40)}`);
    }
    return Number(text);
  }
}
