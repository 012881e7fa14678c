/** Phone numbers in any written form → E.164, default region CN (DESIGN.md §6); the pure code lives in common/. */
export { toE164 } from '../../common/residents/phone';
