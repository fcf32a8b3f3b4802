// Node 20 defines Symbol.dispose / Symbol.asyncDispose on its main realm only; jest runs
// tests in a separate VM context without them. Node's own are registry symbols, so the
// same ones can be installed here, and `using` / `[Symbol.dispose]` behave as in Node.
Symbol.dispose ??= Symbol.for('nodejs.dispose');
Symbol.asyncDispose ??= Symbol.for('nodejs.asyncDispose');
