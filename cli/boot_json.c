/* SPDX-License-Identifier: MIT */
/* The run members of a boot's JSON report, shared by `boot` and
 * `boot --linux` (boot_json.h). Addresses and register values are hex
 * strings, sizes, counts and times numbers (report.h). */
#include "boot_json.h"

#include "pvhkvm/host.h"
#include "pvhkvm/insn.h"
#include "pvhlinux/host_limits.h"

static void entry_proof(struct json_writer *w, const struct pvhkvm_run_result *run) {
  char hex[64];
  json_key(w, "entry_proof");
  json_begin_object(w);
  JSON_KV_BOOL(w, "proved", run->entry_proved);
  JSON_KV_STR(w, "method", pvhkvm_proof_name(run->entry_method));
  JSON_KV_STR(w, "entry_instruction",
              pvhkvm_insn_hex(run->entry_insn, run->entry_insn_len, hex, sizeof(hex)));
  JSON_KV_U64(w, "entry_instruction_len", run->entry_insn_len);
  JSON_KV_HEX(w, "rip", run->entry_rip);
  JSON_KV_HEX(w, "rbx", run->entry_rbx);
  JSON_KV_STR(w, "why", run->entry_why);
  JSON_KV_STR(w, "compared", run->entry_compared);
  JSON_KV_STR(w, "not_compared", run->entry_unchecked);
  JSON_KV_MS(w, "ms", run->entry_s);
  json_end_object(w);
}

static void run_end(struct json_writer *w, const struct pvhkvm_run_result *run) {
  json_key(w, "run");
  json_begin_object(w);
  JSON_KV_STR(w, "end", pvhkvm_end_name(run->end));
  JSON_KV_STR(w, "message", run->message);
  if (run->end == PVHKVM_END_EXIT_PORT)
    JSON_KV_U64(w, "exit_value", run->exit_value);
  if (run->end == PVHKVM_END_HLT)
    JSON_KV_BOOL(w, "interrupts_on", run->hlt_if);
  if (run->end == PVHKVM_END_INTERNAL_ERROR) {
    JSON_KV_U64(w, "internal_suberror", run->internal_suberror);
    if (run->fault_known) {
      char hex[64];
      json_key(w, "stopped_at");
      json_begin_object(w);
      JSON_KV_HEX(w, "linear_rip", run->fault_rip);
      JSON_KV_STR(w, "bytes", pvhkvm_insn_hex(run->fault_insn, run->fault_insn_len, hex, sizeof(hex)));
      JSON_KV_STR(w, "bytes_from", run->fault_insn_from_kvm ? "kvm" : "page-walk");
      JSON_KV_STR(w, "instruction", run->fault_insn_name);
      const struct pvhlinux_host_limit *l = pvhlinux_host_limit_of(pvhkvm_host_kind(), run->fault_insn_name);
      json_key(w, "host_limit");
      if (l)
        json_string(w, l->what);
      else
        json_null(w);
      json_end_object(w);
    }
  }
  JSON_KV_U64(w, "exits", run->exits);
  JSON_KV_U64(w, "pio_exits", run->pio_exits);
  JSON_KV_U64(w, "mmio_exits", run->mmio_exits);
  JSON_KV_U64(w, "unknown_pio", run->unknown_pio);
  JSON_KV_U64(w, "unknown_mmio", run->unknown_mmio);
  JSON_KV_MS(w, "wall_ms", run->wall_s);
  JSON_KV_MS(w, "run_ms", run->run_s); /* what --timeout limits: wall time minus cpu_wait_ms */
  JSON_KV_MS(w, "cpu_wait_ms", run->delay_s);
  json_end_object(w);
}

static void timing(struct json_writer *w, const struct pvhkvm_boot_result *r) {
  json_key(w, "timing_ms");
  json_begin_object(w);
  JSON_KV_MS(w, "create", r->create_s);
  JSON_KV_MS(w, "load", r->load_s);
  JSON_KV_MS(w, "run", r->run.wall_s);
  JSON_KV_MS(w, "destroy", r->destroy_s);
  JSON_KV_BOOL(w, "destroy_deferred", r->destroy_deferred);
  json_end_object(w);
}

void boot_json_run(struct json_writer *w, const struct pvhkvm_boot_result *r) {
  const struct pvhkvm_run_result *run = &r->run;
  json_key(w, "loaded");
  json_begin_object(w);
  JSON_KV_U64(w, "elf_class", (uint64_t)r->report.elf_class);
  JSON_KV_STR(w, "note_source", pvh_note_source_name(r->report.note.source));
  JSON_KV_HEX(w, "entry", r->report.note.entry);
  JSON_KV_HEX(w, "start_info", r->report.start_info_paddr);
  JSON_KV_HEX(w, "kernel_start", r->report.kernel_start);
  JSON_KV_HEX(w, "kernel_end", r->report.kernel_end);
  json_end_object(w);
  entry_proof(w, run);
  run_end(w, run);
  timing(w, r);
  json_key(w, "console");
  json_string_n(w, run->console ? run->console : "", run->console_len);
  JSON_KV_U64(w, "console_bytes", run->console_total);
  JSON_KV_BOOL(w, "console_truncated", run->console_truncated);
  json_key(w, "debugcon");
  json_string_n(w, run->debugcon ? run->debugcon : "", run->debugcon_len);
  JSON_KV_U64(w, "debugcon_bytes", run->debugcon_total);
}
