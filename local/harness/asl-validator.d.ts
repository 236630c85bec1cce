declare module 'asl-validator' {
  interface AslValidationResult {
    isValid: boolean;
    errors: Array<{ message?: string }>;
    errorsText: (separator?: string) => string;
  }
  function aslValidator(
    definition: Record<string, unknown>,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): AslValidationResult;
  export = aslValidator;
}
