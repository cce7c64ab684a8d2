import { Injectable } from '@nestjs/common';

/** The time source of the services: rules take `now` as an argument, tests can replace this. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
