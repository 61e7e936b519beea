/* SPDX-License-Identifier: MIT */
/* See xenguest_peer.h. The three steps are the ones libxl takes for a PVH
 * guest, minus the hypervisor: xc_interface_open(XC_OPENFLAG_DUMMY),
 * xc_dom_allocate with the HVM container and the capabilities a real
 * xc_version(XENVER_capabilities) would give, then xc_dom_kernel_mem and
 * xc_dom_parse_image. */
#include "xenguest_peer.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenctrl.h>
#include <xenguest.h>

struct capture {
  struct xentoollog_logger base; /* first: libxenguest hands us this pointer */
  struct xen_peer_result *out;
  char trying[48];
};

static void copy_printable(char *dst, size_t len, const char *src) {
  size_t j = 0;
  for (size_t i = 0; src[i] && j + 1 < len; i++)
    dst[j++] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
  dst[j] = '\0';
}

static void capture_message(struct xentoollog_logger *logger, xentoollog_level level, int errnoval,
                            const char *context, const char *format, va_list ap) {
  struct capture *c = (struct capture *)logger;
  char msg[512];
  const char *p;
  (void)errnoval;
  (void)context;
  vsnprintf(msg, sizeof(msg), format, ap);
  if ((p = strstr(msg, "ELF: note: PHYS32_ENTRY = ")) != NULL) {
    c->out->entry = strtoull(p + strlen("ELF: note: PHYS32_ENTRY = "), NULL, 0);
    c->out->entry_logged = 1;
  } else if ((p = strstr(msg, "xc_dom_find_loader: trying ")) != NULL) {
    copy_printable(c->trying, sizeof(c->trying), p + strlen("xc_dom_find_loader: trying "));
    char *end = strstr(c->trying, " loader");
    if (end)
      *end = '\0';
  } else if (strstr(msg, "loader probe OK")) {
    memcpy(c->out->loader, c->trying, sizeof(c->out->loader));
  }
  if (level >= XTL_ERROR && c->out->error[0] == '\0')
    copy_printable(c->out->error, sizeof(c->out->error), msg);
}

static void capture_progress(struct xentoollog_logger *logger, const char *context, const char *doing,
                             int percent, unsigned long done, unsigned long total) {
  (void)logger, (void)context, (void)doing, (void)percent, (void)done, (void)total;
}

static void capture_destroy(struct xentoollog_logger *logger) { (void)logger; }

int xen_peer_parse(const void *data, size_t len, struct xen_peer_result *out) {
  memset(out, 0, sizeof(*out));
  struct capture cap = {.base = {capture_message, capture_progress, capture_destroy}, .out = out};
  xc_interface *xch = xc_interface_open(&cap.base, &cap.base, XC_OPENFLAG_DUMMY);
  if (!xch) {
    snprintf(out->error, sizeof(out->error), "xc_interface_open(XC_OPENFLAG_DUMMY) failed");
    return -1;
  }
  struct xc_dom_image *dom = xc_dom_allocate(xch, NULL, NULL);
  if (!dom) {
    xc_interface_close(xch);
    snprintf(out->error, sizeof(out->error), "xc_dom_allocate failed");
    return -1;
  }
  dom->container_type = XC_DOM_HVM_CONTAINER;
  snprintf(dom->xen_caps, sizeof(dom->xen_caps), "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64");
  out->rc = xc_dom_kernel_mem(dom, data, len);
  if (out->rc == 0)
    out->rc = xc_dom_parse_image(dom);
  out->pvh = out->rc == 0 && out->entry_logged && strcmp(out->loader, "ELF-generic") == 0;
  xc_dom_release(dom);
  xc_interface_close(xch);
  return 0;
}
