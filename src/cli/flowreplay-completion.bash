# SPDX-License-Identifier: MIT
# bash completion for flowreplay: commands, then each command's options as its own --help lists
# them (so the completion never falls behind the binary), then file names.
_flowreplay() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local commands="gen features export profile compare replay stats fit plot"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return
  fi
  local cmd=${COMP_WORDS[1]}
  case " $commands " in *" $cmd "*) ;; *) return ;; esac
  if [[ $cur == -* ]]; then
    local opts
    opts=$("${COMP_WORDS[0]}" "$cmd" --help 2>/dev/null | grep -oE -- '(^|[ ,])--?[a-zA-Z0-9][a-zA-Z0-9-]*' | tr -d ' ,' | sort -u)
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  fi
  case ${COMP_WORDS[COMP_CWORD - 1]} in
    --cic) COMPREPLY=($(compgen -W "head 2020 2018 corrected" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "pcapng pcap" -- "$cur")); return ;;
    --ipfix-time) COMPREPLY=($(compgen -W "ms ns" -- "$cur")); return ;;
    --export-time) COMPREPLY=($(compgen -W "trace wall" -- "$cur")); return ;;
    --sender) COMPREPLY=($(compgen -W "auto af_packet tx_ring af_xdp pcap" -- "$cur")); return ;;
    -i|--interface) COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur")); return ;;
  esac
  COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _flowreplay flowreplay
