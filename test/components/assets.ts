import { trustedUrl } from '../../src/html/url.js';
import type { Assets } from '../../src/plugins/static.js';

/** The built assets' addresses, as the layout gets them (src/plugins/static.ts), for component tests. */
export const testAssets: Assets = {
  stylesheets: {
    system: trustedUrl('/assets/app.0.css'),
    light: trustedUrl('/assets/app-light.0.css'),
    dark: trustedUrl('/assets/app-dark.0.css'),
  },
  script: trustedUrl('/assets/app.0.js'),
  favicon: trustedUrl('/favicon.svg'),
};
