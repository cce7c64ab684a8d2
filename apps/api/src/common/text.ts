// Refusing control characters in stored text is the point of these patterns.
/* eslint-disable no-control-regex */

/** No C0 control characters (line breaks and tabs are fine in free text). */
export const NO_CONTROL_TEXT = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;

/** No control characters at all (single-line values). */
export const NO_CONTROL_LINE = /^[^\u0000-\u001f\u007f]+$/;
