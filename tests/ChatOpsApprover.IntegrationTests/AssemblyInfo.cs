// Each test starts its own bot and database; running them side by side on 2 cores only adds contention.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
