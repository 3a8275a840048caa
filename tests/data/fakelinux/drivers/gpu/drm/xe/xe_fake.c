// SPDX-License-Identifier: MIT
/* The one source file of the fake tree's xe driver. */
int xe_fake(void)
{
	return 0;
}
/* The base has findings of its own, as 7.3 has: they never fail a patch. */
/* fake: warning a warning of the base */
/* fake: sparse a sparse finding of the base */
/* fake: kdoc a kernel-doc warning of the base */
