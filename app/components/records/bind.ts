import type { UseFormRegisterReturn } from 'react-hook-form';

/** A field's react-hook-form registration and its error, for form sections shared by pages. */
export type Bind = (name: string) => UseFormRegisterReturn & { error?: string };
