// SPDX-License-Identifier: MIT
/* The one source file of the fake tree's xe driver. */
int xe_fake(void)
{
	return 0;
}
