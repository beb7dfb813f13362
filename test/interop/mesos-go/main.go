// Command interop is a tiny Mesos v1 HTTP scheduler built on mesos-go's
// httpsched package (Debian's golang-github-mesos-mesos-go-dev): a real
// third-party client for mesosim's master (test/interop/mesos-go.test.ts).
//
// It subscribes to -master, launches one `sleep 1` command task from the
// first offer, declines every other offer, acknowledges each status update
// that carries a uuid, and exits 0 once the task reached TASK_FINISHED,
// printing one JSON summary line on stdout. Any error, or no TASK_FINISHED
// within -timeout, exits 1 (with the summary and the error).
//
// Build offline: GOPATH=/usr/share/gocode GO111MODULE=off go build.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/encoding"
	"github.com/mesos/mesos-go/api/v1/lib/encoding/codecs"
	"github.com/mesos/mesos-go/api/v1/lib/httpcli"
	"github.com/mesos/mesos-go/api/v1/lib/httpcli/httpsched"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler/calls"
)

type summary struct {
	OK           bool     `json:"ok"`
	FrameworkID  string   `json:"framework_id"`
	Name         string   `json:"name"`
	Subscribed   int      `json:"subscribed"`
	Offers       int      `json:"offers"`
	Declined     int      `json:"declined"`
	Launched     int      `json:"launched"`
	Updates      []string `json:"updates"`
	Acknowledged int      `json:"acknowledged"`
	Heartbeats   int      `json:"heartbeats"`
	Error        string   `json:"error,omitempty"`
}

func main() {
	master := flag.String("master", "http://127.0.0.1:5050", "master URL")
	name := flag.String("name", "mesos-go interop héllo ✓", "framework name")
	timeout := flag.Duration("timeout", 60*time.Second, "give up after this long")
	codec := flag.String("codec", "json", "encoding: json or protobuf (mesos-go's default)")
	flag.Parse()

	s := &summary{Name: *name, Updates: []string{}}
	err := run(*master, *name, *codec, *timeout, s)
	if err != nil {
		s.Error = err.Error()
	}
	s.OK = err == nil
	line, _ := json.Marshal(s)
	fmt.Println(string(line))
	if err != nil {
		fmt.Fprintln(os.Stderr, "interop:", err)
		os.Exit(1)
	}
}

func run(master, name, codec string, timeout time.Duration, s *summary) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	endpoint := strings.TrimRight(master, "/") + "/api/v1/scheduler"
	cli := httpcli.New(
		httpcli.Endpoint(endpoint),
		httpcli.Codec(codecs.ByMediaType[mediaType(codec)]),
		httpcli.Do(httpcli.With(httpcli.Timeout(10*time.Second))),
	)
	caller := httpsched.NewCaller(cli)

	failover := 60.0
	info := &mesos.FrameworkInfo{
		User:            "interop",
		Name:            name,
		FailoverTimeout: &failover,
		Roles:           []string{"*"},
		Capabilities:    []mesos.FrameworkInfo_Capability{{Type: mesos.FrameworkInfo_Capability_MULTI_ROLE}},
	}
	resp, err := caller.Call(ctx, calls.Subscribe(info))
	if err != nil {
		return fmt.Errorf("SUBSCRIBE: %v", err)
	}
	defer resp.Close()
	// The stream has no deadline of its own: close it when the context ends.
	go func() {
		<-ctx.Done()
		resp.Close()
	}()

	var frameworkID string
	launched := false
	const taskID = "interop-task-1"
	send := func(call *scheduler.Call) error {
		return calls.CallNoData(ctx, caller, call.With(calls.Framework(frameworkID)))
	}

	for {
		var e scheduler.Event
		if err := resp.Decode(&e); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("no TASK_FINISHED within %v (updates: %v)", timeout, s.Updates)
			}
			return fmt.Errorf("decoding the event stream: %v", err)
		}
		switch e.GetType() {
		case scheduler.Event_SUBSCRIBED:
			frameworkID = e.GetSubscribed().GetFrameworkID().GetValue()
			s.FrameworkID = frameworkID
			s.Subscribed++
		case scheduler.Event_HEARTBEAT:
			s.Heartbeats++
		case scheduler.Event_OFFERS:
			offers := e.GetOffers().GetOffers()
			s.Offers += len(offers)
			var decline []mesos.OfferID
			for i := range offers {
				o := &offers[i]
				if launched {
					decline = append(decline, o.ID)
					continue
				}
				launched = true
				shell := true
				cmd := "sleep 1"
				task := mesos.TaskInfo{
					Name:    "interop sleep",
					TaskID:  mesos.TaskID{Value: taskID},
					AgentID: o.AgentID,
					Resources: []mesos.Resource{
						scalar("cpus", 0.1, o),
						scalar("mem", 32, o),
					},
					Command: &mesos.CommandInfo{Value: &cmd, Shell: &shell},
				}
				accept := calls.Accept(calls.OfferOperations{calls.OpLaunch(task)}.WithOffers(o.ID))
				if err := send(accept); err != nil {
					return fmt.Errorf("ACCEPT: %v", err)
				}
				s.Launched++
			}
			if len(decline) > 0 {
				if err := send(calls.Decline(decline...).With(calls.RefuseSeconds(time.Hour))); err != nil {
					return fmt.Errorf("DECLINE: %v", err)
				}
				s.Declined += len(decline)
			}
		case scheduler.Event_UPDATE:
			st := e.GetUpdate().GetStatus()
			state := st.GetState().String()
			s.Updates = append(s.Updates, state)
			if len(st.GetUUID()) > 0 {
				ack := calls.Acknowledge(st.GetAgentID().GetValue(), st.TaskID.Value, st.GetUUID())
				if err := send(ack); err != nil {
					return fmt.Errorf("ACKNOWLEDGE: %v", err)
				}
				s.Acknowledged++
			}
			if st.TaskID.Value == taskID {
				switch st.GetState() {
				case mesos.TASK_FINISHED:
					return nil
				case mesos.TASK_FAILED, mesos.TASK_KILLED, mesos.TASK_LOST, mesos.TASK_ERROR, mesos.TASK_DROPPED:
					return fmt.Errorf("task ended in %s: %s", state, st.GetMessage())
				}
			}
		case scheduler.Event_ERROR:
			return fmt.Errorf("ERROR event: %s", e.GetError().GetMessage())
		}
	}
}

func mediaType(codec string) encoding.MediaType {
	if codec == "protobuf" {
		return codecs.MediaTypeProtobuf
	}
	return codecs.MediaTypeJSON
}

// scalar is a resource of the offer's allocation role, as a MULTI_ROLE
// framework must send it.
func scalar(name string, value float64, o *mesos.Offer) mesos.Resource {
	r := mesos.Resource{
		Name:   name,
		Type:   mesos.SCALAR.Enum(),
		Scalar: &mesos.Value_Scalar{Value: value},
	}
	if ai := o.GetAllocationInfo(); ai != nil {
		r.AllocationInfo = ai
	}
	return r
}
