# Shared by demo.sh and test.sh: install what is missing (idempotent, quick when everything is there) and build.
# Source it; it sets ROOT (the checkout) and MMSMPI_DLL (the built CLI, as published by build_release).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
export MMSMPI_DLL="$ROOT/build/app/MmsMpi.dll"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages the project needs: casacore (headers, tools, python reader, measures data), Open MPI and MPICH
# (MPI.NET's), the native build tools, iproute2 for the emulated cluster test, libhdf5 with the LZF filter (h5py for
# the tests), SLURM with munge for the batch-job tests, a font for the pictures (ScottPlot draws with Skia), and
# AOFlagger (its library and headers for flagdata mode aoflagger; its tool for the tests).
MMSMPI_PACKAGES=(casacore-dev casacore-tools python3-casacore casacore-data openmpi-bin libopenmpi-dev mpich
                 cmake pkg-config g++ make python3-numpy iproute2 procps
                 libhdf5-103-1 hdf5-plugin-lzf liblzf1 python3-h5py slurm-wlm munge
                 fonts-dejavu-core libfontconfig1 aoflagger aoflagger-dev)

ensure_packages() {
  local missing=()
  for p in "${MMSMPI_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "Installing missing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=900 "${missing[@]}" >/dev/null
  fi
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "ERROR: the .NET 10 SDK (dotnet) is not installed; install it from Microsoft's packages, then run again." >&2
    exit 1
  fi
}

# The solution, then the CLI published ReadyToRun into build/app (MMSMPI_DLL): precompiled, a process (every rank)
# starts without JIT-compiling its start-up code (measured: 0.45 s to after MPI init → 0.2 s). Self-contained, with
# one composite image of the app and the framework assemblies it loads (src/Engine/Engine.csproj): the framework's
# generics over our types are precompiled too (measured: System.Text.Json methods JIT-compiled per rank for a
# flagdata summary ~550 → 14, which took 64–106 ms of a rank's first job message; the summary with 2 workers
# 1.02–1.44 s → 0.98–1.17 s). `dotnet build/app/MmsMpi.dll` runs on the app's own runtime.
# The composite takes 1–2 minutes to compile on two cores.
build_release() {
  echo "Building (Release, native libraries included; the ReadyToRun composite takes a minute or two)..."
  dotnet build "$ROOT/MmsMpi.sln" -c Release -nologo -v quiet -clp:ErrorsOnly
  dotnet publish "$ROOT/src/Engine/Engine.csproj" -c Release -r linux-x64 --self-contained true -p:PublishReadyToRun=true \
    -p:PublishReadyToRunComposite=true -o "$ROOT/build/app" -nologo -v quiet -clp:ErrorsOnly
}
