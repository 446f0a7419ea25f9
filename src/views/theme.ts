import { defineForm } from '../forms/contract.js';

/** The layout's theme switch: three submit buttons named `theme`, and the page to go back to. */
export const themeForm = defineForm({ labels: { theme: 'Theme' }, hidden: ['return'] });
