// pnpm spec:answers: every answer fixture under spec/answers and every body example of the spec, checked
// against its schema with the strict validator. Exits 1 when anything does not fit.
import { ANSWERS_DIR, checkAnswers, checkSpecExamples, createResponseValidator, formatAnswerReport, loadAnswers } from "../answers.js";

try {
  const validator = createResponseValidator();
  const fixtures = loadAnswers(ANSWERS_DIR);
  const examples = checkSpecExamples(validator);
  const failures = [...checkAnswers(validator, fixtures), ...examples.failures];
  console.log(formatAnswerReport(fixtures.length, examples.count, failures));
  process.exitCode = failures.length ? 1 : 0;
} catch (error) {
  console.error(`spec:answers failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
