import { defineForm } from '../forms/contract.js';

/** The layout's theme switch: three submit buttons named `theme`. */
export const themeForm = defineForm({ labels: { theme: 'Theme' } });
