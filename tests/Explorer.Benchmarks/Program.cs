if (args is ["annotations", .. var rest])
{
    return await Explorer.Benchmarks.Annotations.AnnotationBenchmark.RunAsync(rest);
}

return 0;
