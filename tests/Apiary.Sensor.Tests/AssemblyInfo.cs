using Xunit;

// The lab tests create network namespaces and run nmap/hping3 against one sensor at a time: never in parallel.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
