/* A program built against the *installed* libl7, as a user would build it:
 * it checks the version and classifies one connection. */
#include <l7/l7.h>

#include <stdio.h>
#include <string.h>

static const char request[] = "GET / HTTP/1.1\r\nHost: www.YouTube.com\r\n\r\n";

int main(void)
{
    if (l7_version() != L7_VERSION_NUMBER) {
        fprintf(stderr, "header %u, library %u\n", (unsigned)L7_VERSION_NUMBER,
                (unsigned)l7_version());
        return 1;
    }
    l7_diag_list *diags = NULL;
    l7_protoset *set = NULL;
    l7_inspector *insp = NULL;
    l7_inspect_state *conn = NULL;
    int rc = 1;
    const char *youtube = "^.*(youtube|googlevideo).*$";
    if (l7_diag_list_create(&diags, NULL) || l7_protoset_create(&set, NULL, NULL) ||
        l7_protoset_add(NULL, set, "youtube", youtube, strlen(youtube), diags) ||
        l7_inspect_create(&insp, set, NULL, NULL) || l7_inspect_state_create(&conn, insp))
        goto out;
    /* SYN, SYN-ACK, ACK, then the request: classified at packet 4. */
    for (uint64_t n = 1; n <= 3; n++)
        l7_inspect_classify(insp, conn, n, NULL, 0);
    l7_inspect_classify(insp, conn, 4, (const uint8_t *)request, sizeof(request) - 1);
    const char *name = l7_inspect_state_protocol_name(insp, conn);
    printf("libl7 %s: classified as %s\n", l7_version_string(), name);
    rc = strcmp(name, "youtube") != 0;
out:
    l7_inspect_state_destroy(insp, conn);
    l7_inspect_destroy(insp);
    l7_protoset_destroy(set);
    l7_diag_list_destroy(diags);
    return rc;
}
