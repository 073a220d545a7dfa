export { compatibilityProblems, formatProblem, type CompatibilityPolicy, type CompatibilityProblem, type VersionLabels } from './schema-compatibility';
export { checkSchemaFolder, type SchemaHistoryCheck, type VersionProblem } from './schema-folder-check';
export { candidateProblems, findPublishedVersion, parseCandidate, subjectCompatibility } from './registry-candidate';
