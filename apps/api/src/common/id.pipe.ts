import { type PipeTransform, Injectable } from '@nestjs/common';
import { notFound } from './app-error';

/** Request ids are positive integers; anything else cannot exist, so it is a 404 like a missing one. */
@Injectable()
export class RequestIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^\d{1,15}$/.test(value) || Number(value) < 1) {
      throw notFound(`Request ${value.slice(0, 40)}`);
    }
    return Number(value);
  }
}
