/* A program built against the *installed* libl7, as a user would build it. */
#include <l7/l7.h>

#include <stdio.h>
#include <string.h>

int main(void)
{
    if (l7_version() != L7_VERSION_NUMBER) {
        fprintf(stderr, "header %u, library %u\n", (unsigned)L7_VERSION_NUMBER,
                (unsigned)l7_version());
        return 1;
    }
    l7_diag_list *diags = NULL;
    if (l7_diag_list_create(&diags, NULL) != L7_OK)
        return 1;
    l7_diag_list_destroy(diags);
    printf("libl7 %s: ok\n", l7_version_string());
    return strcmp(l7_strerror(L7_ENOMEM), "out of memory") != 0;
}
