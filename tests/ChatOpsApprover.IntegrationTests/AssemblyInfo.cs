// Test classes run side by side: each test starts its own bot on its own database (tests that restart PostgreSQL
// start a cluster of their own), and most of a test's time is spent waiting, not computing.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, MaxParallelThreads = 4)]
