import { ArgumentMetadata, Injectable, PipeTransform, ValidationPipe } from '@nestjs/common';
import { validationProblem } from './problem';

/**
 * The API's one validation pipe. Bodies refuse properties no DTO declares (a misspelt field is an
 * error the client must see); query strings keep what they always did with parameters the route
 * does not read: they are dropped, so that links and clients that add their own (cache busters,
 * tracking) keep working. Both answer 400 problem details naming each field and rule.
 */
@Injectable()
export class InputValidationPipe implements PipeTransform {
  private readonly body = new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) => validationProblem(errors),
  });
  private readonly query = new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: false,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) => validationProblem(errors, 'query'),
  });

  transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    return (metadata.type === 'query' ? this.query : this.body).transform(value, metadata);
  }
}
