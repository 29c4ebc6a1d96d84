import { z } from 'zod';

/** The sign-in form, shared by react-hook-form and the action. */
export const loginSchema = z.object({
  email: z.string().trim().min(1, 'Enter your email').email('Enter a valid email address').max(254),
  password: z.string().min(1, 'Enter your password').max(200),
  redirectTo: z.string().optional(),
});
export type LoginForm = z.infer<typeof loginSchema>;
