#include <stdio.h>

#include "base/util.h"

void
print_version(void)
{
	printf("%s (spanpipe) %s\n", progname, VERSION);
}
