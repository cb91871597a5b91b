{
  "targets": [
    {
      "target_name": "lmkit_native",
      "sources": [
        "native/src/addon.cc",
        "native/src/bindings.cc",
        "native/src/thread_pool.cc",
        "native/src/cpu.cc",
        "native/src/huge_pages.cc",
        "native/src/malloc_tuning.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native/include"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-O3", "-fno-exceptions", "-fno-math-errno", "-fPIC"],
      "cflags_cc!": ["-std=gnu++14", "-std=gnu++1y"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "GCC_ENABLE_CPP_EXCEPTIONS": "NO",
        "GCC_OPTIMIZATION_LEVEL": "3",
        "OTHER_CPLUSPLUSFLAGS": ["-fno-math-errno"]
      },
      "conditions": [
        ["target_arch=='x64'", {
          "dependencies": ["lmkit_avx2"]
        }]
      ]
    },
    {
      "target_name": "lmkit_avx2",
      "type": "static_library",
      "conditions": [
        ["target_arch=='x64'", {
          "sources": [
            "native/src/avx2/gemm_avx2.cc",
            "native/src/avx2/elementwise_avx2.cc",
            "native/src/avx2/dropout_avx2.cc",
            "native/src/avx2/nn_avx2.cc",
            "native/src/avx2/attention_avx2.cc",
            "native/src/avx2/rnn_avx2.cc"
          ]
        }, {
          "type": "none"
        }]
      ],
      "include_dirs": ["native/include"],
      "cflags_cc": ["-std=c++17", "-O3", "-fno-exceptions", "-mavx2", "-mfma", "-fno-math-errno", "-fPIC"],
      "cflags_cc!": ["-std=gnu++14", "-std=gnu++1y"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "GCC_ENABLE_CPP_EXCEPTIONS": "NO",
        "GCC_OPTIMIZATION_LEVEL": "3",
        "OTHER_CPLUSPLUSFLAGS": ["-mavx2", "-mfma", "-fno-math-errno"]
      }
    }
  ]
}
