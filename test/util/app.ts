/** Tests build the app exactly as the local runner does: cdk.json's feature flags, bundling skipped by default. */
export { projectApp as testApp } from '../../local/harness/cdk-app';
